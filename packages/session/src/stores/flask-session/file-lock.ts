/**
 * One session file at a time: a promise chain within this process, then an
 * O_EXCL lock file for other micro processes sharing the directory (the same
 * scheme as FileSystemStore). The lock file's name ends in cachelib's temp
 * suffix, so a Flask app's cachelib skips it when it counts and prunes files.
 * Flask-Session itself takes no lock: it replaces files whole (write, rename).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { StoreConflictError, StoreUnavailableError } from '../errors.js';
import { retryDelay } from '../retry-delay.js';

export interface FileLockOptions {
  store: string;
  mode: number;
  /** Suffix of lock files. */
  suffix: string;
  /** A lock file older than this is left over from a crashed process and is broken. */
  staleMs: number;
  /** Give up waiting for another process's lock after this long (StoreConflictError). */
  timeoutMs: number;
  /** Called before taking a lock file, e.g. to make the directory. */
  ready: () => Promise<void>;
}

export class FileLocks {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: FileLockOptions) {}

  async run<T>(file: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(file) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.chains.set(file, tail);
    await previous;
    try {
      return await this.fileLocked(file, work);
    } finally {
      release();
      if (this.chains.get(file) === tail) this.chains.delete(file);
    }
  }

  private async fileLocked<T>(file: string, work: () => Promise<T>): Promise<T> {
    const { store, mode, suffix, staleMs, timeoutMs } = this.options;
    await this.options.ready();
    const lock = file + suffix;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await (await open(lock, 'wx', mode)).close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StoreUnavailableError(store, err instanceof Error ? err.message : String(err), { cause: err });
        }
      }
      const info = await stat(lock).catch(() => null);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        // Left by a crashed process. Rename first so two breakers cannot both win.
        const broken = `${lock}.${randomBytes(4).toString('hex')}.stale${suffix}`;
        if (await rename(lock, broken).then(() => true, () => false)) await unlink(broken).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new StoreConflictError(store, attempt + 1);
      await retryDelay(attempt, 1, 20);
    }
    try {
      return await work();
    } finally {
      await unlink(lock).catch(() => {});
    }
  }
}
