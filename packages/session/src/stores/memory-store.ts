import { LRUCache } from 'lru-cache';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, mergeChanges } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer } from './serializers.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used is evicted beyond it. Default 10_000. */
  max?: number;
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
 * Expiry is checked against `now()` on every read (not lru-cache's own TTL, so
 * tests can move the clock); a timer sweeps expired entries so they don't hold LRU slots.
 */
export class MemoryStore implements SessionStore {
  readonly name = 'memory';
  private readonly cache: LRUCache<string, Entry>;
  private readonly serializer: Serializer;
  private readonly now: Clock;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.cache = new LRUCache<string, Entry>({ max: options.max ?? 10_000 });
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

  async get(id: string): Promise<SessionData | null> {
    const entry = this.live(id);
    return entry ? (this.serializer.decode(entry.raw) as SessionData) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    this.cache.set(id, { raw: this.serializer.encode(data), expiresAt: this.now() + ttlMs });
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const entry = this.live(id);
    const current = entry ? (this.serializer.decode(entry.raw) as SessionData) : {};
    this.cache.set(id, { raw: this.serializer.encode(mergeChanges(current, changes)), expiresAt: this.now() + ttlMs });
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
