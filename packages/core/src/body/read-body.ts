import type { IncomingMessage } from 'node:http';
import { pumpBody } from './pump-body.js';

/**
 * Read the whole body of `req` into one Buffer; call it once per request.
 * Rejects with 413 (`PayloadTooLarge`) when the body is over `limit` bytes —
 * before reading anything if `Content-Length` says so, else as soon as the
 * streamed bytes pass it — and with 400 (`BadRequest`) when the client
 * disconnects before the end.
 */
export async function readBody(req: IncomingMessage, limit: number | null): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pumpBody(req, limit, (chunk) => {
    chunks.push(chunk);
    return true;
  }).done;
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
