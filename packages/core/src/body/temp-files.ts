import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The temp files of one request, so they can all be removed at teardown. */
export class TempFiles {
  readonly #paths: string[] = [];
  readonly #open = new Set<FileHandle>();

  /** Create an empty file in `os.tmpdir()`, readable by this user only. */
  async create(): Promise<{ path: string; handle: FileHandle }> {
    const path = join(tmpdir(), `micro-upload-${randomUUID()}`);
    // Registered before opening: removeAll() must see it even if it runs meanwhile.
    this.#paths.push(path);
    const handle = await open(path, 'wx', 0o600);
    this.#open.add(handle);
    return { path, handle };
  }

  async close(handle: FileHandle): Promise<void> {
    if (this.#open.delete(handle)) await handle.close();
  }

  get paths(): readonly string[] {
    return this.#paths;
  }

  /** Close and delete every file; safe to call more than once. */
  async removeAll(): Promise<void> {
    const handles = [...this.#open];
    this.#open.clear();
    await Promise.allSettled(handles.map((h) => h.close()));
    const paths = this.#paths.splice(0);
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}
