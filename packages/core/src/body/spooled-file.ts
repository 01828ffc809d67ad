import type { FileHandle } from 'node:fs/promises';
import type { FileStorageData } from './file-storage.js';
import type { TempFiles } from './temp-files.js';

/** Werkzeug's threshold: uploads up to 500 KiB stay in memory. */
export const SPOOL_THRESHOLD = 500 * 1024;

/**
 * Collects one upload: in memory until it passes `SPOOL_THRESHOLD`, then in a
 * temp file (as Python's SpooledTemporaryFile, which Werkzeug uses).
 * Call `write` sequentially, awaiting each call.
 */
export class SpooledFile {
  readonly #temp: TempFiles;
  readonly #threshold: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #file: { path: string; handle: FileHandle } | undefined;

  constructor(temp: TempFiles, threshold = SPOOL_THRESHOLD) {
    this.#temp = temp;
    this.#threshold = threshold;
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Buffer): Promise<void> {
    this.#size += chunk.length;
    if (this.#file) {
      await this.#file.handle.writeFile(chunk);
      return;
    }
    this.#chunks.push(chunk);
    if (this.#size > this.#threshold) {
      this.#file = await this.#temp.create();
      const buffered = Buffer.concat(this.#chunks);
      this.#chunks = [];
      await this.#file.handle.writeFile(buffered);
    }
  }

  /** Close the temp file, if any, and say where the content is. */
  async finish(): Promise<FileStorageData> {
    if (!this.#file) return { kind: 'memory', buffer: Buffer.concat(this.#chunks, this.#size) };
    await this.#temp.close(this.#file.handle);
    return { kind: 'disk', path: this.#file.path };
  }
}
