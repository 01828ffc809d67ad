import { HTTPException, RequestRedirect } from './errors.js';
import { redirect } from './helpers.js';
import { escape } from './markup.js';
import { Response } from './response.js';

/**
 * The default page for an HTTP error, byte for byte as Werkzeug's
 * `HTTPException.get_response` (test/fixtures/werkzeug-errors.json). In debug
 * mode a 500 shows the original error's stack; otherwise it reveals nothing.
 * A `RequestRedirect` answers as Werkzeug's does: with `redirect()`'s page.
 */
export function errorResponse(error: HTTPException, debug: boolean): Response {
  if (error instanceof RequestRedirect) return redirect(error.location, error.status);
  const title = `${error.status} ${error.statusText}`;
  let body =
    `<!doctype html>\n<html lang=en>\n<title>${escape(title)}</title>\n` +
    `<h1>${escape(error.statusText)}</h1>\n<p>${describe(error.description)}</p>\n`;
  if (debug && error.status === 500 && error.cause !== undefined) {
    const cause = error.cause;
    const detail = cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause);
    body += `<h2>Traceback (debug mode)</h2>\n<pre>${escape(detail)}</pre>\n`;
  }
  return new Response(body, { status: error.status, headers: error.headers });
}

/** The description as Werkzeug's `get_description` shows it: escaped, line breaks as `<br>`. */
function describe(description: string): string {
  return escape(description).valueOf().replaceAll('\n', '<br>');
}

export { HTTPException };
