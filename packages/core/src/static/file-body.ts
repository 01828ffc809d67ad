import type { FileHandle } from 'node:fs/promises';

/**
 * Bytes read and written per chunk of a streamed file: 256 KiB. Each chunk
 * costs a read, a socket write and a wait for the socket to drain, whatever
 * its size, so larger chunks serve large files with much less CPU (a 1 MiB
 * file took about 2.5× the CPU in node's default 64 KiB chunks;
 * bench/cpu-per-request.mjs). A chunk is read only when the writer asks for
 * it, so a slow client holds one chunk in memory at most, however large the
 * file.
 */
export const CHUNK_SIZE = 256 * 1024;

/**
 * A byte range of an open file, read chunk by chunk as the response is
 * written (node/write-response.ts pulls it with backpressure). It owns the
 * file handle: reading to the end, stopping early or `destroy()` (what the
 * writer calls for a body it never reads) closes it. A file that comes up
 * shorter than promised fails the body, so the writer cuts the connection
 * rather than end a response shorter than its Content-Length.
 */
export class FileBody implements AsyncIterable<Buffer> {
  #handle: FileHandle | null;

  constructor(
    handle: FileHandle,
    /** First byte to send. */
    readonly start: number,
    /** Bytes to send, as promised in Content-Length. */
    readonly length: number,
    /** For the error message only. */
    readonly path: string,
  ) {
    this.#handle = handle;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    const handle = this.#handle;
    if (handle === null) throw new Error(`The body of ${this.path} was already read or closed`);
    this.#handle = null;
    try {
      let position = this.start;
      let left = this.length;
      while (left > 0) {
        // A fresh buffer per chunk: the socket may still hold the last one.
        const chunk = Buffer.allocUnsafeSlow(Math.min(CHUNK_SIZE, left));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) {
          throw new Error(`${this.path} ended after ${this.length - left} of ${this.length} bytes: it was truncated while it was being sent`);
        }
        position += bytesRead;
        left -= bytesRead;
        yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
      }
    } finally {
      // Also when the client went away and the writer stopped asking.
      handle.close().catch(() => {});
    }
  }

  /** Release the file without reading it. */
  destroy(): void {
    const handle = this.#handle;
    this.#handle = null;
    handle?.close().catch(() => {});
  }
}
