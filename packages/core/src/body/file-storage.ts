import { createReadStream } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Where an upload's bytes live: in memory, or in a temp file on disk. */
export type FileStorageData = { kind: 'memory'; buffer: Buffer } | { kind: 'disk'; path: string };

export interface FileStorageInit {
  fieldName: string;
  filename: string;
  contentType: string;
  size: number;
  headers: Record<string, string>;
  data: FileStorageData;
}

/**
 * One uploaded file (Werkzeug's FileStorage). Small files are held in memory,
 * larger ones were spooled to a temp file that `ParsedForm.cleanup()` removes at
 * the end of the request: read or `save` it inside the handler.
 */
export class FileStorage {
  /** The form field name (`<input name>`). */
  readonly fieldName: string;
  /**
   * The filename exactly as the client sent it, path parts included. Never use
   * it as a path as is: pass it through `secureFilename` first.
   */
  readonly filename: string;
  /** The part's Content-Type; `text/plain` when the client sent none (RFC 7578 §4.4). */
  readonly contentType: string;
  /** Size in bytes. */
  readonly size: number;
  /** The part headers, lower-cased names. */
  readonly headers: Record<string, string>;
  readonly #data: FileStorageData;

  constructor(init: FileStorageInit) {
    this.fieldName = init.fieldName;
    this.filename = init.filename;
    this.contentType = init.contentType;
    this.size = init.size;
    this.headers = init.headers;
    this.#data = init.data;
  }

  /** True when the content was spooled to a temp file (over 500 KiB). */
  get spooled(): boolean {
    return this.#data.kind === 'disk';
  }

  /** The whole content. */
  async bytes(): Promise<Buffer> {
    return this.#data.kind === 'memory' ? this.#data.buffer : readFile(this.#data.path);
  }

  /** The content decoded as text (UTF-8 unless told otherwise). */
  async text(encoding: BufferEncoding = 'utf8'): Promise<string> {
    return (await this.bytes()).toString(encoding);
  }

  /** A fresh stream of the content; call it as often as needed. */
  stream(): NodeJS.ReadableStream {
    return this.#data.kind === 'memory' ? Readable.from([this.#data.buffer]) : createReadStream(this.#data.path);
  }

  /** Copy the content to `destination` (a file path), replacing any file there. */
  async save(destination: string): Promise<void> {
    if (this.#data.kind === 'memory') await writeFile(destination, this.#data.buffer);
    else await copyFile(this.#data.path, destination);
  }

  get [Symbol.toStringTag](): string {
    return 'FileStorage';
  }

  toJSON(): { fieldName: string; filename: string; contentType: string; size: number } {
    return { fieldName: this.fieldName, filename: this.filename, contentType: this.contentType, size: this.size };
  }
}
