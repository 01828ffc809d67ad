import type { ServerResponse } from 'node:http';
import type { Response } from '../response.js';

/** Statuses that never carry a body (RFC 9110 §6.4.1, §15.4.5): no Content-Length either. */
export function hasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * Write a `Response` to node's `ServerResponse`: whole bodies with
 * `writeHead` + `end(body)`, streamed ones chunk by chunk with backpressure.
 * Returns a promise only for a streamed body; it settles once the last chunk
 * was handed to node, or rejects when producing the body failed (the
 * connection is then cut, since the status line was already sent).
 */
export function writeResponse(res: ServerResponse, response: Response, isHead: boolean): void | Promise<void> {
  const { status, headers, body } = response;
  const raw = headers.toRawArray();
  if (body === null || typeof body === 'string' || body instanceof Uint8Array || hasNoBody(status)) {
    const length = impliedContentLength(response);
    if (length !== null) raw.push('Content-Length', String(length));
    res.writeHead(status, raw);
    // node drops a HEAD response's body itself; do not even hand it over.
    if (isHead || body === null || hasNoBody(status)) res.end();
    else res.end(body);
    response.close(); // a streamed body of a status that has none
    return;
  }
  res.writeHead(status, raw);
  if (isHead) {
    res.end();
    response.close();
    return;
  }
  return streamBody(res, body);
}

/**
 * Pull the body here, in the request's async context (so a generator reading
 * `request` works), and stop at once when the client goes away.
 */
async function streamBody(res: ServerResponse, body: AsyncIterable<string | Uint8Array>): Promise<void> {
  try {
    for await (const chunk of body) {
      if (res.destroyed) break; // breaking out closes the body (its return()/destroy())
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
  } catch (err) {
    res.destroy();
    throw err;
  }
  if (!res.destroyed) res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * The Content-Length node's writer adds: the size of a whole body, unless the
 * response set one, streams its body, or has a status without a body.
 */
export function impliedContentLength(response: Response): number | null {
  const { status, body } = response;
  if (hasNoBody(status) || response.headers.has('content-length')) return null;
  if (body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  return body instanceof Uint8Array ? body.byteLength : null;
}
