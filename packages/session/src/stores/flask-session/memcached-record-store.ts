/**
 * Memcached in Flask-Session 0.8's layout (flask_session/memcached): the msgpack
 * blob under the raw key `prefix + sid`, flags 0, expiry in seconds (an absolute
 * Unix time past 30 days, as Flask-Session's `_get_memcache_timeout` does).
 *
 * `apply` is gets → merge → cas (add when missing), retried when another writer
 * got in between: a Flask write in between is kept and merged with. Flask-Session
 * itself writes with a plain `set`, so a micro change made while a Flask request
 * is running is overwritten by that request's whole record.
 */
import { StoreConflictError } from '../errors.js';
import { memcachedExptime } from '../memcached-store.js';
import { retryDelay } from '../retry-delay.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from '../store.js';
import { assertTtl, mergeChanges } from '../store.js';
import { isMemcachedKey, type MemcachedHit, type MemcachedTextClient } from './memcached-text-client.js';
import { decodeSessionBlob, encodeSessionBlob } from './session-blob.js';

export interface MemcachedRecordStoreOptions {
  client: MemcachedTextClient;
  /** SESSION_KEY_PREFIX, the same as the Flask app's. Default 'session:'. */
  prefix?: string;
  /** Compare-and-swap attempts per apply before StoreConflictError. Default 100. */
  maxRetries?: number;
  /** Clock for absolute expiry times (TTLs over 30 days). Default Date.now. */
  now?: Clock;
  /** Told (without the id) when a record is not a Flask-Session record; it is then treated as absent. */
  onUnreadable?: (store: string) => void;
}

export class MemcachedRecordStore implements SessionStore {
  readonly name = 'memcached';
  private readonly client: MemcachedTextClient;
  private readonly prefix: string;
  private readonly maxRetries: number;
  private readonly now: Clock;
  private readonly onUnreadable: (store: string) => void;

  constructor(options: MemcachedRecordStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'session:';
    if (/\s/.test(this.prefix)) throw new TypeError('The memcached key prefix must not contain whitespace (memcached keys cannot).');
    this.maxRetries = options.maxRetries ?? 100;
    this.now = options.now ?? Date.now;
    this.onUnreadable = options.onUnreadable ?? (() => {});
  }

  async get(id: string): Promise<SessionData | null> {
    const key = this.prefix + id;
    // A key memcached cannot hold was never written: nothing to look up.
    if (!isMemcachedKey(key)) return null;
    const hit = await this.client.gets(key);
    return hit ? this.decode(hit) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.client.store('set', this.prefix + id, encodeSessionBlob(data), this.exptime(ttlMs));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const hit = await this.client.gets(key);
      const next = encodeSessionBlob(mergeChanges(hit ? (this.decode(hit) ?? {}) : {}, changes));
      const reply = hit
        ? await this.client.store('cas', key, next, this.exptime(ttlMs), hit.cas)
        : await this.client.store('add', key, next, this.exptime(ttlMs));
      if (reply === 'STORED') return;
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    const key = this.prefix + id;
    if (isMemcachedKey(key)) await this.client.delete(key);
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    if (isMemcachedKey(key)) await this.client.touch(key, this.exptime(ttlMs));
  }

  /** Closes the connection when the store owns it (SESSION_MEMCACHED_SERVERS). */
  async close(): Promise<void> {
    this.client.close();
  }

  private exptime(ttlMs: number): number {
    return memcachedExptime(ttlMs, this.now());
  }

  private decode(hit: MemcachedHit): SessionData | null {
    const data = decodeSessionBlob(hit.value);
    if (data === null) this.onUnreadable(this.name);
    return data;
  }
}
