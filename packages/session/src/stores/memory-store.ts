import { LRUCache } from 'lru-cache';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, mergeChanges } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer } from './serializers.js';
import { SessionTooLargeError } from './session-too-large-error.js';

/** Default bounds of a MemoryStore (SESSION_MEMORY_THRESHOLD, SESSION_MEMORY_MAX_BYTES, SESSION_MEMORY_MAX_RECORD_BYTES). */
export const MEMORY_STORE_DEFAULTS = Object.freeze({
  max: 10_000, // sessions
  maxBytes: 64 * 1024 * 1024, // 64 MiB
  maxRecordBytes: 1024 * 1024, // 1 MiB, memcached's default item size
});

/**
 * What one entry costs beyond its id and encoded record: the Entry object and
 * the cache's index slots. An estimate, so that a flood of tiny sessions
 * counts too.
 */
export const MEMORY_ENTRY_OVERHEAD_BYTES = 200;

export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used is evicted beyond it. Default 10_000. */
  max?: number;
  /**
   * Most bytes kept, counted as each session's serialised size plus its id and
   * MEMORY_ENTRY_OVERHEAD_BYTES; the least recently used are evicted beyond it.
   * Default 64 MiB.
   */
  maxBytes?: number;
  /** Largest single session, counted as for `maxBytes`; a larger one is refused with SessionTooLargeError. Default 1 MiB (at most `maxBytes`). */
  maxRecordBytes?: number;
  /** How often expired sessions are swept, in ms; 0 disables the timer. Default 60_000 (1 min). */
  sweepIntervalMs?: number;
  /** Encodes records, so callers never share objects with the store. Default JSON. */
  serializer?: Serializer;
  /** Clock in ms since the epoch. Default Date.now. */
  now?: Clock;
}

interface Entry {
  raw: string | Buffer;
  expiresAt: number;
}

/**
 * In-process store for development, tests and single-process apps. Every call
 * runs synchronously inside one tick, so applies never interleave and always merge.
 * Bounded by count and by bytes, least recently used first (a read counts as a use).
 * Expiry is checked against `now()` on every read (not lru-cache's own TTL, so
 * tests can move the clock); a timer sweeps expired entries so they don't hold LRU slots.
 */
export class MemoryStore implements SessionStore {
  readonly name = 'memory';
  /** Largest single session in bytes (see `maxRecordBytes`). */
  readonly maxRecordBytes: number;
  private readonly cache: LRUCache<string, Entry>;
  private readonly serializer: Serializer;
  private readonly now: Clock;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const maxBytes = options.maxBytes ?? MEMORY_STORE_DEFAULTS.maxBytes;
    this.maxRecordBytes = Math.min(options.maxRecordBytes ?? MEMORY_STORE_DEFAULTS.maxRecordBytes, maxBytes);
    this.cache = new LRUCache<string, Entry>({ max: options.max ?? MEMORY_STORE_DEFAULTS.max, maxSize: maxBytes });
    this.serializer = options.serializer ?? jsonSerializer;
    this.now = options.now ?? Date.now;
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.cleanup(), every);
      this.timer.unref(); // a sweep timer alone must not keep the process alive
    }
  }

  /** Number of entries held, expired ones included until swept. */
  get size(): number {
    return this.cache.size;
  }

  /** Bytes held, as counted against `maxBytes`. */
  get bytes(): number {
    return this.cache.calculatedSize;
  }

  async get(id: string): Promise<SessionData | null> {
    const entry = this.live(id);
    return entry ? (this.serializer.decode(entry.raw) as SessionData) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    this.put(id, this.serializer.encode(data), this.now() + ttlMs);
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const entry = this.live(id);
    const current = entry ? (this.serializer.decode(entry.raw) as SessionData) : {};
    this.put(id, this.serializer.encode(mergeChanges(current, changes)), this.now() + ttlMs);
  }

  async destroy(id: string): Promise<void> {
    this.cache.delete(id);
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const entry = this.live(id);
    if (entry) entry.expiresAt = this.now() + ttlMs;
  }

  async cleanup(): Promise<number> {
    const now = this.now();
    let removed = 0;
    for (const [id, entry] of this.cache.entries()) {
      if (entry.expiresAt <= now && this.cache.delete(id)) removed++;
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.cache.clear();
  }

  /** Store a record, or refuse one over `maxRecordBytes` before touching the stored one. */
  private put(id: string, raw: string | Buffer, expiresAt: number): void {
    const size = MEMORY_ENTRY_OVERHEAD_BYTES + Buffer.byteLength(id) + (typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length);
    if (size > this.maxRecordBytes) throw new SessionTooLargeError(this.name, size, this.maxRecordBytes, 'SESSION_MEMORY_MAX_RECORD_BYTES (maxRecordBytes)');
    this.cache.set(id, { raw, expiresAt }, { size });
  }

  /** The entry if present and unexpired; an expired one is dropped on sight. */
  private live(id: string): Entry | undefined {
    const entry = this.cache.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.cache.delete(id);
      return undefined;
    }
    return entry;
  }
}
