import { HTTPException } from './errors.js';
import { escape } from './markup.js';
import { Response } from './response.js';

/**
 * The default page for an HTTP error, worded as Werkzeug's. In debug mode a
 * 500 shows the original error's stack; otherwise it reveals nothing.
 */
export function errorResponse(error: HTTPException, debug: boolean): Response {
  const title = `${error.status} ${error.statusText}`;
  let body =
    `<!doctype html>\n<html lang=en>\n<title>${escape(title)}</title>\n` +
    `<h1>${escape(error.statusText)}</h1>\n<p>${escape(error.description)}</p>\n`;
  if (debug && error.status === 500 && error.cause !== undefined) {
    const cause = error.cause;
    const detail = cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause);
    body += `<h2>Traceback (debug mode)</h2>\n<pre>${escape(detail)}</pre>\n`;
  }
  return new Response(body, { status: error.status, headers: error.headers });
}

export { HTTPException };
