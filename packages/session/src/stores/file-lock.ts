/**
 * One session file at a time, for the file-backed stores (FileSystemStore and
 * Flask-Session's CachelibFileStore): a promise chain within this process, then
 * an O_EXCL lock file for other micro processes sharing the directory. A lock
 * file older than `staleMs` was left by a crashed process and is broken.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { StoreConflictError } from './errors.js';
import { retryDelay } from './retry-delay.js';

/** A store's directory, made (mode 0o700) on first use; a failed attempt is tried again on the next call. */
export class LazyDir {
  private ready: Promise<void> | undefined;

  constructor(
    readonly path: string,
    /** Maps an fs error to what the store throws. */
    private readonly unavailable: (err: unknown) => unknown,
  ) {}

  ensure(): Promise<void> {
    this.ready ??= mkdir(this.path, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined;
        throw this.unavailable(err);
      },
    );
    return this.ready;
  }

  /** Forget that the directory was made (it was removed under us). */
  reset(): void {
    this.ready = undefined;
  }
}

export interface FileLockOptions {
  store: string;
  mode: number;
  /** Lock file = session file + suffix. */
  suffix: string;
  /** A broken stale lock is first renamed to `<lock>.<random><staleSuffix>`, then removed. */
  staleSuffix: string;
  /** A lock file older than this is left over from a crashed process and is broken. */
  staleMs: number;
  /** Give up waiting for another process's lock after this long (StoreConflictError). */
  timeoutMs: number;
  /** Made before taking a lock file. */
  dir: LazyDir;
  /** If the directory vanished (ENOENT on the lock file), make it again, once per lock, instead of failing. */
  remakeMissingDir: boolean;
  /** Maps an fs error to what the store throws. */
  unavailable: (err: unknown) => unknown;
}

export class FileLocks {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: FileLockOptions) {}

  /** Serialise work on one file: first within this process, then across processes. */
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
    const { store, mode, suffix, staleSuffix, staleMs, timeoutMs, dir, remakeMissingDir, unavailable } = this.options;
    await dir.ensure();
    const lock = file + suffix;
    const deadline = Date.now() + timeoutMs;
    let recreated = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await (await open(lock, 'wx', mode)).close();
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOENT' && remakeMissingDir && !recreated) {
          // The directory was removed under us (a temp-dir cleaner): make it again, once.
          recreated = true;
          dir.reset();
          await dir.ensure();
          continue;
        }
        if (code !== 'EEXIST') throw unavailable(err);
      }
      const info = await stat(lock).catch(() => null);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        // Left by a crashed process. Rename first so two breakers cannot both win.
        const broken = `${lock}.${randomBytes(4).toString('hex')}${staleSuffix}`;
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
