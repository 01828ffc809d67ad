import type { FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';

/**
 * Bytes read per chunk: 64 KiB, node's default for file streams. A slow
 * client holds at most about one chunk in memory here plus what the
 * socket buffers, whatever the file's size.
 */
export const CHUNK_SIZE = 64 * 1024;

/**
 * A byte range of an open file, read chunk by chunk as the response is
 * written (node/write-response.ts pulls it with backpressure). It owns the
 * file handle: reading to the end, stopping early or `destroy()` (what the
 * writer calls for HEAD or a 304 it never reads) closes it. A file that comes
 * up shorter than promised fails the body, so the writer cuts the
 * connection rather than end a response shorter than its Content-Length.
 */
export class FileBody implements AsyncIterable<Buffer> {
  #handle: FileHandle | null;
  #stream: ReadStream | null = null;

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
    if (this.length === 0) {
      await handle.close();
      return;
    }
    // autoClose: the stream closes the handle when it ends, fails or is destroyed.
    const stream = handle.createReadStream({ start: this.start, end: this.start + this.length - 1, highWaterMark: CHUNK_SIZE });
    this.#stream = stream;
    let sent = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sent += chunk.length;
      yield chunk;
    }
    if (sent < this.length) {
      throw new Error(`${this.path} ended after ${sent} of ${this.length} bytes: it was truncated while it was being sent`);
    }
  }

  /** Release the file without reading it (or stop reading it). */
  destroy(): void {
    const handle = this.#handle;
    this.#handle = null;
    if (handle !== null) handle.close().catch(() => {});
    this.#stream?.destroy();
  }
}
