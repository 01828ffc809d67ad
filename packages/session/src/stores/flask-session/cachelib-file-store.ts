/**
 * The filesystem in Flask-Session 0.8's layout (SESSION_TYPE 'filesystem', and
 * 'cachelib' with a FileSystemCache): cachelib files in SESSION_FILE_DIR, named
 * by the hash of `prefix + sid`, each a 4-byte expiry and a pickled dict
 * (cachelib-file.ts). Only plain data is read and written (pickle.ts): a Flask
 * session holding a datetime or another Python object is reported through
 * `onUnreadable` and treated as absent, never overwritten.
 *
 * cachelib keeps an item count (`__wz_cache_count`) for its threshold; micro
 * recounts the directory after it adds or removes a file and prunes as cachelib
 * does (expired files first, then the ones expiring soonest).
 *
 * `apply` reads, merges and writes under a lock (../file-lock.ts) that other micro
 * processes honour. Flask-Session takes no lock: a Flask request that saves
 * while micro merges may replace micro's write, or micro may write over a file
 * Flask replaced after micro read it. Whole-record last writer wins between the two.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreUnavailableError } from '../errors.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from '../store.js';
import { assertTtl, mergeChanges } from '../store.js';
import {
  CACHELIB_COUNT_KEY,
  CACHELIB_TEMP_SUFFIX,
  cachelibExpiry,
  cachelibFileName,
  decodeCachelibFile,
  encodeCachelibFile,
  isLive,
  sessionOf,
  type CachelibHash,
} from './cachelib-file.js';
import { writeFileAtomically } from '../atomic-write.js';
import { FileLocks, LazyDir } from '../file-lock.js';
import { PickleError } from './pickle.js';

export interface CachelibFileStoreOptions {
  /** SESSION_FILE_DIR: the Flask app's session directory. */
  dir: string;
  /** SESSION_KEY_PREFIX, the same as the Flask app's. Default 'session:'. */
  prefix?: string;
  /** SESSION_FILE_THRESHOLD: most files kept (cachelib's threshold); 0 = no limit. Default 500. */
  threshold?: number;
  /** SESSION_FILE_MODE. Default 0o600. */
  mode?: number;
  /** SESSION_FILE_HASH: the hash cachelib names files with, 'sha256' (cachelib 0.17+) or 'md5' (up to 0.16). Default 'sha256'. */
  hash?: CachelibHash;
  /** Clock in ms. Default Date.now. */
  now?: Clock;
  /** Largest session file read. Default 4 MiB. */
  maxFileBytes?: number;
  /** Told (without the id) when a file is not one micro reads; it is then treated as absent. */
  onUnreadable?: (store: string, reason: string) => void;
}

/** Lock files (and broken stale ones) end in cachelib's temp suffix, so a Flask app's cachelib skips them when it counts and prunes files. */
const LOCK_SUFFIX = `.lock${CACHELIB_TEMP_SUFFIX}`;

export class CachelibFileStore implements SessionStore {
  readonly name = 'filesystem';
  private readonly dir: string;
  private readonly prefix: string;
  private readonly threshold: number;
  private readonly mode: number;
  private readonly hash: CachelibHash;
  private readonly now: Clock;
  private readonly maxFileBytes: number;
  private readonly onUnreadable: (store: string, reason: string) => void;
  private readonly locks: FileLocks;
  private readonly countFile: string;
  private readonly lazyDir: LazyDir;

  constructor(options: CachelibFileStoreOptions) {
    this.dir = options.dir;
    this.prefix = options.prefix ?? 'session:';
    this.threshold = options.threshold ?? 500;
    this.mode = options.mode ?? 0o600;
    this.hash = options.hash ?? 'sha256';
    this.now = options.now ?? Date.now;
    this.maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
    this.onUnreadable = options.onUnreadable ?? (() => {});
    this.countFile = cachelibFileName(CACHELIB_COUNT_KEY, this.hash);
    this.lazyDir = new LazyDir(this.dir, (err) => this.unavailable(err));
    // Flask-Session itself takes no lock: it replaces files whole (write, rename).
    this.locks = new FileLocks({
      store: this.name,
      mode: this.mode,
      suffix: LOCK_SUFFIX,
      staleSuffix: `.stale${LOCK_SUFFIX}`,
      staleMs: 10_000,
      timeoutMs: 5_000,
      dir: this.lazyDir,
      remakeMissingDir: false,
      unavailable: (err) => this.unavailable(err),
    });
  }

  async get(id: string): Promise<SessionData | null> {
    return this.readSession(this.file(id));
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, () => this.write(file, encodeCachelibFile(data, this.expiresAt(ttlMs))));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, async () => {
      const current = (await this.readSession(file)) ?? {};
      await this.write(file, encodeCachelibFile(mergeChanges(current, changes), this.expiresAt(ttlMs)));
    });
  }

  async destroy(id: string): Promise<void> {
    const file = this.file(id);
    await this.locks.run(file, async () => {
      if (await this.remove(file)) await this.recount();
    });
  }

  /** Rewrites the 4-byte header only; the pickle is kept byte for byte. */
  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, async () => {
      const raw = await this.readRaw(file);
      const expires = raw && cachelibExpiry(raw);
      if (raw && expires !== null && isLive(expires, this.now())) {
        const next = Buffer.from(raw);
        next.writeUInt32LE(this.expiresAt(ttlMs), 0);
        await this.write(file, next);
      }
    });
  }

  /** Remove expired session files (cachelib does it only when over its threshold). */
  async cleanup(): Promise<number> {
    let removed = 0;
    for (const { path, expires } of await this.entries()) {
      if (!isLive(expires, this.now()) && (await this.remove(path))) removed++;
    }
    if (removed) await this.recount();
    return removed;
  }

  private file(id: string): string {
    return join(this.dir, cachelibFileName(this.prefix + id, this.hash));
  }

  /** Expiry in whole Unix seconds, as cachelib's `int(time()) + timeout`. */
  private expiresAt(ttlMs: number): number {
    return Math.floor(this.now() / 1000) + Math.ceil(ttlMs / 1000);
  }

  private async readSession(file: string): Promise<SessionData | null> {
    const raw = await this.readRaw(file);
    if (!raw) return null;
    try {
      const entry = decodeCachelibFile(raw);
      if (!isLive(entry.expiresAtS, this.now())) return null;
      const data = sessionOf(entry);
      if (data === null) this.onUnreadable(this.name, 'the file does not hold a dict');
      return data;
    } catch (err) {
      if (!(err instanceof PickleError)) throw err;
      this.onUnreadable(this.name, err.message);
      return null;
    }
  }

  private async readRaw(file: string): Promise<Buffer | null> {
    try {
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        if (size > this.maxFileBytes) {
          this.onUnreadable(this.name, `the file is larger than ${this.maxFileBytes} bytes`);
          return null;
        }
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.unavailable(err);
    }
  }

  /** Write to a temp file named as cachelib names its own, then rename over: readers never see half a file. */
  private async write(file: string, bytes: Buffer): Promise<void> {
    const isNew = (await this.readHeader(file)) === null;
    await this.replace(file, bytes);
    if (isNew && this.threshold > 0) await this.prune();
  }

  private async replace(file: string, bytes: Buffer): Promise<void> {
    await this.lazyDir.ensure();
    const temp = join(this.dir, `tmp${randomBytes(6).toString('hex')}${CACHELIB_TEMP_SUFFIX}`);
    try {
      await writeFileAtomically(file, temp, bytes, this.mode);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  private async remove(file: string): Promise<boolean> {
    try {
      await unlink(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.unavailable(err);
    }
  }

  /** The cache entries: every file but cachelib's counter, temp and lock files. */
  private async entries(): Promise<Array<{ path: string; expires: number }>> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.unavailable(err);
    }
    const out: Array<{ path: string; expires: number }> = [];
    for (const name of names) {
      if (name === this.countFile || name.endsWith(CACHELIB_TEMP_SUFFIX)) continue;
      const path = join(this.dir, name);
      const head = await this.readHeader(path);
      if (head !== null) out.push({ path, expires: head });
    }
    return out;
  }

  private async readHeader(path: string): Promise<number | null> {
    try {
      const handle = await open(path, 'r');
      try {
        const { bytesRead, buffer } = await handle.read(Buffer.alloc(4), 0, 4, 0);
        return bytesRead === 4 ? buffer.readUInt32LE(0) : null;
      } finally {
        await handle.close();
      }
    } catch {
      return null; // removed meanwhile, or a directory
    }
  }

  /** cachelib's _prune: over the threshold, drop expired entries, then those expiring soonest. */
  private async prune(): Promise<void> {
    let entries = await this.entries();
    if (entries.length > this.threshold) {
      const now = this.now();
      for (const e of entries.filter((e) => !isLive(e.expires, now))) await this.remove(e.path);
      entries = entries.filter((e) => isLive(e.expires, now)).sort((a, b) => a.expires - b.expires);
      while (entries.length > this.threshold) await this.remove(entries.shift()!.path);
    }
    await this.writeCount(entries.length);
  }

  private async recount(): Promise<void> {
    if (this.threshold > 0) await this.writeCount((await this.entries()).length);
  }

  /** cachelib's counter: a never-expiring entry holding the pickled number of entries. */
  private async writeCount(count: number): Promise<void> {
    // Best effort, as cachelib's own counting: a lost update only delays its next prune.
    await this.replace(join(this.dir, this.countFile), encodeCachelibFile(count, 0)).catch(() => {});
  }

  private unavailable(err: unknown): unknown {
    if (err instanceof StoreUnavailableError) return err;
    return new StoreUnavailableError(this.name, err instanceof Error ? err.message : String(err), { cause: err });
  }
}
