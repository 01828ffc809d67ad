import { escape } from './markup.js';
import { Response, iriToUri } from './response.js';

const REDIRECT_CODES = new Set([301, 302, 303, 305, 307, 308]);
const PLAIN_LOCATION = /^[A-Za-z0-9/_.~?=:-]*$/;

/**
 * A redirect response (Flask's `redirect`): 302 by default, with Werkzeug's
 * small HTML body for clients that do not follow Location.
 */
export function redirect(location: string, code = 302): Response {
  if (!REDIRECT_CODES.has(code)) throw new TypeError(`redirect(): ${code} is not a redirect status`);
  // Most locations are plain paths that need neither quoting nor HTML escaping.
  const plain = PLAIN_LOCATION.test(location);
  const safe = plain ? location : iriToUri(location);
  const shown = plain ? location : escape(location).valueOf();
  const body =
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${plain ? safe : escape(safe).valueOf()}">${shown}</a>. If not, click the link.\n`;
  return new Response(body, { status: code, headers: { Location: safe } });
}

/**
 * A JSON response (Flask's `jsonify`). Several arguments become an array.
 * Keys keep JavaScript's insertion order (Flask sorts them).
 */
export function jsonify(...values: unknown[]): Response {
  const data = values.length === 0 ? null : values.length === 1 ? values[0] : values;
  return new Response(JSON.stringify(data) + '\n', { contentType: 'application/json' });
}
