/**
 * `request` as templates see it. Flask templates read `request.form['title']`
 * synchronously; in micro the body is read on demand (`await request.form()`),
 * so the renderer awaits the form of a form request before rendering, and
 * this view shows it: `form`, `files` and `values` are the parsed data, and
 * they, `args`, `headers` and `cookies` take `['key']` as well as `.get(key)`.
 * Everything else is the request itself.
 */
import { MultiDict, type FileStorage, type Request } from '@micro/core';
import { mappingView } from './mapping-view.js';

/** The parsed body a template can show; empty when the request has none. */
export interface ParsedBody {
  form: MultiDict<string>;
  files: MultiDict<FileStorage>;
}

const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * The form and files of a form request (already parsed when the view read
 * them; parsed now otherwise), else empty ones. A body that does not parse
 * (too large, malformed) shows as empty: answering about the body is the
 * view's job, and the view that cared has already seen the error.
 */
export async function readParsedBody(request: Request): Promise<ParsedBody> {
  if (FORM_TYPES.has(request.mimetype)) {
    try {
      const [form, files] = await Promise.all([request.form(), request.files()]);
      return { form, files };
    } catch {
      // see above
    }
  }
  return { form: new MultiDict(), files: new MultiDict() };
}

export function requestView(request: Request, body: ParsedBody): Request {
  let values: MultiDict<string> | undefined;
  const views: Record<string, unknown> = {
    form: mappingView(() => body.form),
    files: mappingView(() => body.files),
    values: mappingView(() => (values ??= new MultiDict([...request.args.entries(), ...body.form.entries()]))),
    args: mappingView(() => request.args),
    headers: mappingView(() => request.headers),
    cookies: mappingView(() => request.cookies),
  };
  return new Proxy(request, {
    get(target, prop) {
      if (typeof prop === 'string' && Object.hasOwn(views, prop)) return views[prop];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
