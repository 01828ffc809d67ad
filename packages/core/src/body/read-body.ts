import type { IncomingMessage } from 'node:http';
import { pumpBody } from './pump-body.js';

/**
 * Read the whole body of `req` into one Buffer; call it once per request.
 * Rejects with 413 (`PayloadTooLarge`) when the body is over `limit` bytes —
 * before reading anything if `Content-Length` says so, else as soon as the
 * streamed bytes pass it — and with 400 (`BadRequest`) when the client
 * disconnects before the end.
 */
export function readBody(req: IncomingMessage, limit: number | null): Promise<Buffer> {
  return new Promise((resolve, reject) => collectBody(req, limit, (error, body) => (error ? reject(error) : resolve(body!))));
}

/** `readBody` with a callback: called once, with the body or with the error. */
export function collectBody(req: IncomingMessage, limit: number | null, done: (error: Error | null, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  pumpBody(
    req,
    limit,
    (chunk) => {
      chunks.push(chunk);
      return true;
    },
    (error) => {
      if (error) done(error);
      else done(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    },
  );
}
