import type { IncomingMessage } from 'node:http';
import { PayloadTooLarge } from '../errors.js';
import type { BodyLimits } from './body-limits.js';
import { MultiDict } from './multidict.js';
import { parseQueryString } from './parse-query-string.js';
import type { ParsedForm } from './parsed-form.js';
import { collectBody } from './read-body.js';

/**
 * Parse an `application/x-www-form-urlencoded` body. `MAX_FORM_MEMORY_SIZE`
 * applies to the whole body, as in Werkzeug — which checks only the declared
 * `Content-Length`; here the streamed bytes are counted too, so a chunked body
 * cannot slip past it. `MAX_FORM_PARTS` does not apply (nor does it in Werkzeug).
 */
export function parseUrlencoded(source: IncomingMessage | Buffer, limits: BodyLimits): Promise<ParsedForm> {
  const { maxContentLength, maxFormMemorySize } = limits;
  if (Buffer.isBuffer(source)) {
    if (maxContentLength !== null && source.length > maxContentLength) return Promise.reject(tooLarge('MAX_CONTENT_LENGTH'));
    if (maxFormMemorySize !== null && source.length > maxFormMemorySize) return Promise.reject(tooLarge('MAX_FORM_MEMORY_SIZE'));
    return Promise.resolve(formOf(source));
  }
  return new Promise((resolve, reject) => {
    collectBody(source, smallest(maxContentLength, maxFormMemorySize), (error, body) => {
      if (error) reject(error);
      else resolve(formOf(body!));
    });
  });
}

// Invalid raw UTF-8 becomes U+FFFD; Werkzeug would fail to decode and return an
// empty form. Invalid percent-escapes are kept literally, as in Werkzeug.
function formOf(body: Buffer): ParsedForm {
  return { form: new MultiDict(parseQueryString(body.toString('utf8'))), files: new MultiDict(), cleanup: noCleanup };
}

const noCleanup = (): Promise<void> => Promise.resolve();

function smallest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function tooLarge(key: string): PayloadTooLarge {
  return new PayloadTooLarge(`The form data is larger than ${key} allows.`);
}
