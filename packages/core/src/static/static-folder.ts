import { basename } from 'node:path';
import type { App } from '../app.js';
import type { RequestContext } from '../context.js';
import { NotFound } from '../errors.js';
import type { Response } from '../response.js';
import { sendFromDirectory } from './send-file.js';

/** The endpoint of an app's static route; a blueprint's is `name.static`. */
export const STATIC_ENDPOINT = 'static';

/** The static route's rule (Flask's `{static_url_path}/<path:filename>`). */
export function staticRule(urlPath: string): string {
  return `${urlPath}/<path:filename>`;
}

/** Flask's default URL path for a static folder: a slash and the folder's name (`static` → `/static`). */
export function defaultStaticUrlPath(folder: string): string {
  return `/${basename(folder)}`.replace(/\/+$/, '');
}

/** What serves static files: an app or a blueprint with a static folder. */
interface StaticFolderOwner {
  sendStaticFile(filename: string): Promise<Response>;
}

/**
 * The view of a static route: `owner.sendStaticFile(filename)`, so an app or
 * blueprint class that overrides it (as in Flask) is used. With a static
 * host, a request for another host finds nothing here, as Werkzeug's host
 * matching would answer it.
 */
export function staticView(owner: StaticFolderOwner, staticHost: string | null = null) {
  return function sendStatic(params: { filename: string }, ctx: RequestContext): Promise<Response> {
    if (staticHost !== null && ctx.request.host !== staticHost) throw new NotFound();
    return owner.sendStaticFile(params.filename);
  };
}

/** Serve `filename` from a static folder (Flask's `send_static_file`), cached for SEND_FILE_MAX_AGE_DEFAULT. */
export function sendStaticFile(app: App, folder: string | null, filename: string): Promise<Response> {
  if (folder === null) throw new Error("'staticFolder' must be set to serve static files.");
  return sendFromDirectory(folder, filename, { maxAge: app.getSendFileMaxAge(filename) });
}
