import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, mergeChanges } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer, toBytes } from './serializers.js';
import { StoreConflictError, StoreUnavailableError } from './errors.js';
import { writeFileAtomically } from './atomic-write.js';
import { FileLocks, LazyDir } from './file-lock.js';
import { logSafeReason } from './log-safe-reason.js';

export interface FileSystemStoreOptions {
  /** SESSION_FILE_DIR: where session files live; created (mode 0o700) if missing. */
  dir: string;
  /** SESSION_FILE_THRESHOLD: most session files kept; the least recently written go first. 0 = no limit. Default 500. */
  threshold?: number;
  /** SESSION_FILE_MODE: permission bits of session files. Default 0o600. */
  mode?: number;
  /** Record encoding. Default JSON. */
  serializer?: Serializer;
  /** Clock for expiry, in ms since the epoch. Default Date.now. */
  now?: Clock;
  /** A lock file older than this is left over from a crashed process and is broken. Default 10_000 (10 s). */
  lockStaleMs?: number;
  /** Give up waiting for another process's lock after this long (StoreConflictError). Default 5_000 (5 s). */
  lockTimeoutMs?: number;
}

const SUFFIX = '.session';
const MAGIC = 'micro-session/1';

/**
 * One file per session: a header line `micro-session/1 <expiresAtMs>` and the
 * encoded record. Writes go to a temp file renamed into place (readers never see
 * half a file). A read-merge-write holds the session's lock: a promise chain in
 * this process plus an O_EXCL lock file for other processes sharing the directory.
 * File names are SHA-256 of the id: no path tricks, no raw ids on disk.
 */
export class FileSystemStore implements SessionStore {
  readonly name = 'filesystem';
  private readonly dir: string;
  private readonly threshold: number;
  private readonly mode: number;
  private readonly serializer: Serializer;
  private readonly now: Clock;
  private readonly lazyDir: LazyDir;
  private readonly locks: FileLocks;

  constructor(options: FileSystemStoreOptions) {
    this.dir = options.dir;
    this.threshold = options.threshold ?? 500;
    this.mode = options.mode ?? 0o600;
    this.serializer = options.serializer ?? jsonSerializer;
    this.now = options.now ?? Date.now;
    this.lazyDir = new LazyDir(this.dir, (err) => this.unavailable(err));
    this.locks = new FileLocks({
      store: this.name,
      mode: this.mode,
      suffix: '.lock',
      staleSuffix: '.stale',
      staleMs: options.lockStaleMs ?? 10_000,
      timeoutMs: options.lockTimeoutMs ?? 5_000,
      dir: this.lazyDir,
      remakeMissingDir: true,
      unavailable: (err) => this.unavailable(err),
    });
  }

  async get(id: string): Promise<SessionData | null> {
    const record = await this.read(this.file(id));
    return record && record.expiresAt > this.now() ? this.decode(record.body) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, () => this.write(file, data, this.now() + ttlMs));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, async () => {
      const record = await this.read(file);
      const current = record && record.expiresAt > this.now() ? this.decode(record.body) : {};
      await this.write(file, mergeChanges(current, changes), this.now() + ttlMs);
    });
  }

  async destroy(id: string): Promise<void> {
    const file = this.file(id);
    await this.locks.run(file, () => this.remove(file));
  }

  /** Rewrites the header under the lock: files have no cheaper way to hold an expiry. */
  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const file = this.file(id);
    await this.locks.run(file, async () => {
      const record = await this.read(file);
      if (record && record.expiresAt > this.now()) await this.writeRaw(file, record.body, this.now() + ttlMs);
    });
  }

  async cleanup(): Promise<number> {
    let removed = 0;
    for (const name of await this.sessionFiles()) {
      const file = join(this.dir, name);
      await this.locks.run(file, async () => {
        const record = await this.read(file);
        if (record && record.expiresAt <= this.now()) {
          await this.remove(file);
          removed++;
        }
      });
    }
    return removed;
  }

  private file(id: string): string {
    return join(this.dir, createHash('sha256').update(id).digest('hex') + SUFFIX);
  }

  private decode(body: Buffer): SessionData {
    return this.serializer.decode(body) as SessionData;
  }

  private async read(file: string): Promise<{ expiresAt: number; body: Buffer } | null> {
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (err) {
      if (code(err) === 'ENOENT') return null;
      throw this.unavailable(err);
    }
    const newline = raw.indexOf(0x0a);
    const header = raw.subarray(0, newline < 0 ? 0 : newline).toString('latin1').split(' ');
    const expiresAt = Number(header[1]);
    // A foreign or truncated file is treated as absent, never as an error page.
    if (header[0] !== MAGIC || !Number.isFinite(expiresAt)) return null;
    return { expiresAt, body: raw.subarray(newline + 1) };
  }

  private async write(file: string, data: SessionData, expiresAt: number): Promise<void> {
    await this.writeRaw(file, toBytes(this.serializer.encode(data)), expiresAt);
  }

  private async writeRaw(file: string, body: Buffer, expiresAt: number): Promise<void> {
    await this.lazyDir.ensure();
    const isNew = !(await exists(file));
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFileAtomically(file, temp, Buffer.concat([Buffer.from(`${MAGIC} ${expiresAt}\n`, 'latin1'), body]), this.mode);
    } catch (err) {
      throw this.unavailable(err);
    }
    if (isNew && this.threshold > 0) await this.prune();
  }

  /** Over the threshold: drop expired files first, then the least recently written. */
  private async prune(): Promise<void> {
    const names = await this.sessionFiles();
    if (names.length <= this.threshold) return;
    const now = this.now();
    const files = await Promise.all(
      names.map(async (name) => {
        const path = join(this.dir, name);
        const [info, record] = await Promise.all([stat(path).catch(() => null), this.read(path)]);
        return { path, mtime: info?.mtimeMs ?? 0, expired: !record || record.expiresAt <= now };
      }),
    );
    files.sort((a, b) => Number(b.expired) - Number(a.expired) || a.mtime - b.mtime);
    for (const f of files.slice(0, files.length - this.threshold)) await this.remove(f.path);
  }

  private async remove(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (err) {
      if (code(err) !== 'ENOENT') throw this.unavailable(err);
    }
  }

  private async sessionFiles(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.endsWith(SUFFIX));
    } catch (err) {
      if (code(err) === 'ENOENT') return [];
      throw this.unavailable(err);
    }
  }

  private unavailable(err: unknown): unknown {
    if (err instanceof StoreUnavailableError || err instanceof StoreConflictError) return err;
    // The code and system call, not the message: it names the file, a hash of the session id.
    return new StoreUnavailableError(this.name, `${logSafeReason(err)} in ${this.dir}`, { cause: err });
  }
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
