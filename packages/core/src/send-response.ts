import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import type { MaybePromise } from './maybe-promise.js';
import type { Response } from './response.js';

// Statuses that never carry a body (RFC 9110 §6.4.1).
const NO_BODY = new Set([204, 304]);

// Body sizes (bytes) for the write strategies below; measured in docs/benchmarks.md.
const INLINE_ASCII_MAX = 16 * 1024;
const INLINE_BYTES_MAX = 1024;
const STRING_AS_BUFFER_MIN = 2 * 1024;

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
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (!NO_BODY.has(status) && !headers.has('content-length')) raw.push('Content-Length', String(length));
    res.writeHead(status, raw);
    // Node drops the body of HEAD responses itself; skip the work.
    if (isHead || body === null || length === 0) res.end();
    else if (typeof body === 'string') endWithString(res, body, length);
    else if (length <= INLINE_BYTES_MAX) endInline(res, latin1(body), body);
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

function endWithString(res: ServerResponse, body: string, byteLength: number): void {
  // UTF-8 length equal to the string's length means every character is ASCII.
  if (byteLength === body.length && byteLength <= INLINE_ASCII_MAX) endInline(res, body, body);
  else if (byteLength <= INLINE_BYTES_MAX) endInline(res, latin1(Buffer.from(body)), body);
  // node writes a long string chunk several times slower than the same bytes as a Buffer.
  else res.end(byteLength >= STRING_AS_BUFFER_MIN ? Buffer.from(body) : body);
}

/**
 * Send head and a short body in one plain socket write.
 *
 * `res.end(body)` corks the socket and flushes the head + body and then an empty
 * chunk with `writev`; on Node 20 that costs about 15 % of a small response's
 * throughput. `end()` without a chunk sends the serialized head (`_header`, a
 * latin1 string node has kept since 0.x) in one write, so the body rides along
 * in it: `latin1Body` is the body's exact bytes as a latin1 string. If node's
 * internals ever look different, this falls back to `res.end(body)`.
 */
function endInline(res: ServerResponse, latin1Body: string, body: string | Uint8Array): void {
  const internals = res as ServerResponse & { _header?: unknown; _headerSent?: unknown };
  if (typeof internals._header === 'string' && internals._headerSent === false && !res.chunkedEncoding && !res.strictContentLength) {
    internals._header += latin1Body;
    res.end();
  } else {
    res.end(body);
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
