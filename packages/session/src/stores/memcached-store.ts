import { createHash } from 'node:crypto';
import type { SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, mergeChanges } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer } from './serializers.js';
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError, StoreUnavailableError, withTimeout } from './errors.js';
import { retryDelay } from './retry-delay.js';
import { recordConflictMerged } from '../telemetry/session-telemetry.js';

/** The part of a `memcache-client` MemcacheClient (electrode-io/memcache, v1) this store uses. */
export interface MemcacheClientLike {
  get(key: string): Promise<{ value: unknown } | undefined>;
  gets(key: string): Promise<{ value: unknown; casUniq?: number | string } | undefined>;
  set(key: string, value: string | Buffer, options: { lifetime: number }): Promise<string[]>;
  add(key: string, value: string | Buffer, options: { lifetime: number }): Promise<string[]>;
  cas(key: string, value: string | Buffer, options: { casUniq: number | string; lifetime: number }): Promise<string[]>;
  delete(key: string): Promise<string[]>;
  touch(key: string, exptime: number): Promise<string[]>;
}

export interface MemcachedStoreOptions {
  /** A `memcache-client` MemcacheClient. The store never shuts it down. */
  client: MemcacheClientLike;
  /** Key prefix (no spaces). Default 'session:'. */
  prefix?: string;
  /** Record encoding. Default JSON. */
  serializer?: Serializer;
  /** A command with no answer after this many ms fails with StoreUnavailableError. Default 2000. */
  commandTimeoutMs?: number;
  /** Compare-and-swap attempts per apply before StoreConflictError. Default 100. */
  maxRetries?: number;
  /** Clock for the absolute expiry times of TTLs over 30 days. Default Date.now. */
  now?: () => number;
}

/** Memcached reads an expiry above 30 days as an absolute Unix time (protocol.txt, "Expiration times"). */
export const MEMCACHED_MAX_RELATIVE_TTL_S = 60 * 60 * 24 * 30;

/** The exptime to send for a TTL: relative seconds up to 30 days, an absolute Unix time beyond. */
export function memcachedExptime(ttlMs: number, nowMs: number): number {
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  return seconds <= MEMCACHED_MAX_RELATIVE_TTL_S ? seconds : Math.floor(nowMs / 1000) + seconds;
}

// Protocol outcomes memcache-client reports as errors; they mean "lost a race", not "down".
const RACE_OUTCOMES = new Set(['NOT_STORED', 'EXISTS', 'NOT_FOUND']);

/**
 * Memcached: one value per session with a native TTL. `apply` is gets → merge →
 * cas (or add when missing), retried when another writer got in between, so
 * concurrent applies never lose each other's keys. Memcached may evict a session
 * under memory pressure before it expires; that is memcached's contract, not ours.
 */
export class MemcachedStore implements SessionStore {
  readonly name = 'memcached';
  private readonly client: MemcacheClientLike;
  private readonly prefix: string;
  private readonly serializer: Serializer;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly now: () => number;

  constructor(options: MemcachedStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'session:';
    if (/\s/.test(this.prefix)) throw new TypeError('MemcachedStore prefix must not contain whitespace (memcached keys cannot).');
    this.serializer = options.serializer ?? jsonSerializer;
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 100;
    this.now = options.now ?? Date.now;
  }

  async get(id: string): Promise<SessionData | null> {
    const hit = await this.run(() => this.client.get(this.key(id)));
    return hit ? this.decode(hit.value) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.run(() => this.client.set(this.key(id), this.serializer.encode(data), { lifetime: this.exptime(ttlMs) }));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.key(id);
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const hit = await this.run(() => this.client.gets(key));
      const lifetime = this.exptime(ttlMs);
      const next = this.serializer.encode(mergeChanges(hit ? this.decode(hit.value) : {}, changes));
      const stored = await this.run(() =>
        hit && hit.casUniq !== undefined
          ? this.client.cas(key, next, { casUniq: hit.casUniq, lifetime })
          : this.client.add(key, next, { lifetime }),
      ).then(
        () => true,
        (err: unknown) => {
          if (isRace(err)) return false;
          throw err;
        },
      );
      if (stored) return;
      recordConflictMerged(this.name); // another writer got in first: read again and merge
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    await this.run(() => this.client.delete(this.key(id))).catch((err: unknown) => {
      if (!isRace(err)) throw err; // NOT_FOUND: already gone
    });
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    // Memcached's TOUCH changes only the expiry; NOT_FOUND means there is nothing to extend.
    await this.run(() => this.client.touch(this.key(id), this.exptime(ttlMs))).catch((err: unknown) => {
      if (!isRace(err)) throw err;
    });
  }

  /** Memcached keys are at most 250 bytes without spaces: hash the id (which also keeps raw ids out of the cache). */
  private key(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('base64url');
  }

  private exptime(ttlMs: number): number {
    return memcachedExptime(ttlMs, this.now());
  }

  private decode(value: unknown): SessionData {
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new TypeError(`MemcachedStore found a ${typeof value} value; it only reads what it wrote.`);
    }
    return this.serializer.decode(value) as SessionData;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(this.name, this.timeoutMs, command());
    } catch (err) {
      if (err instanceof StoreUnavailableError || isRace(err) || isProtocolError(err)) throw err;
      throw new StoreUnavailableError(this.name, err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
}

function firstToken(err: unknown): string | undefined {
  const tokens = (err as { cmdTokens?: unknown } | null)?.cmdTokens;
  return Array.isArray(tokens) && typeof tokens[0] === 'string' ? tokens[0] : undefined;
}

function isRace(err: unknown): boolean {
  const token = firstToken(err);
  return token !== undefined && RACE_OUTCOMES.has(token);
}

/** The server understood us and refused (value too large, bad key): a bug, not an outage. */
function isProtocolError(err: unknown): boolean {
  const token = firstToken(err);
  return token === 'CLIENT_ERROR' || token === 'ERROR' || (token === 'SERVER_ERROR' && !/out of memory/i.test(String((err as Error).message)));
}
