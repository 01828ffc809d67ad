import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { MaybePromise } from './maybe-promise.js';
import type { Response } from './response.js';

// Statuses that never carry a body (RFC 9110 §6.4.1).
const NO_BODY = new Set([204, 304]);

/**
 * Write a Response to node's ServerResponse. Synchronous for string and byte
 * bodies; a promise that settles when a streamed body has been sent.
 */
export function sendResponse(res: ServerResponse, response: Response, isHead: boolean): MaybePromise<void> {
  const status = response.status;
  const headers = response.headers;
  let body = response.body;
  if (NO_BODY.has(status) || (status >= 100 && status < 200)) body = null;

  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const raw = headers.toRawArray();
    if (!headers.has('content-length')) {
      const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (!NO_BODY.has(status)) raw.push('Content-Length', String(length));
    }
    res.writeHead(status, raw);
    // Node drops the body of HEAD responses itself; skip the work.
    if (isHead || body === null) res.end();
    else res.end(body);
    return;
  }

  res.writeHead(status, headers.toRawArray());
  if (isHead) {
    res.end();
    if (body instanceof Readable) body.destroy();
    return;
  }
  const stream = body instanceof Readable ? body : Readable.from(body);
  return new Promise<void>((resolve, reject) => {
    pipeline(stream, res, (err) => (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE' ? reject(err) : resolve()));
  });
}
