import { createHash } from 'node:crypto';
import type { MongoCollectionLike } from './mongo-collection-like.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, setOwn } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer } from './serializers.js';
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError, StoreUnavailableError, withTimeout } from './errors.js';
import { retryDelay } from './retry-delay.js';
import { recordConflictMerged } from '../telemetry/session-telemetry.js';

/** A session document: one field of `data` per session key, each value encoded on its own. */
export interface MongoSessionDoc {
  _id: string;
  data?: Record<string, unknown>;
  expiresAt: Date;
}

export interface MongoStoreOptions {
  /** The collection to use, from a connected MongoClient (official `mongodb` driver, v6). The store never closes the client. */
  collection: MongoCollectionLike;
  /** Create the TTL index on expiresAt on first use. Default true. */
  createIndexes?: boolean;
  /** Per-value encoding. Default JSON. */
  serializer?: Serializer;
  /** Clock for expiry, in ms since the epoch. Default Date.now. MongoDB's TTL monitor uses the server's clock. */
  now?: Clock;
  /** An operation with no answer after this many ms fails with StoreUnavailableError. Default 2000. */
  operationTimeoutMs?: number;
  /** Attempts when concurrent upserts race on a new id (duplicate key). Default 20. */
  maxRetries?: number;
}

/**
 * Field names inside `data`: '.' would make a path and a leading '$' an operator,
 * so escape them ('%' too, to stay reversible) and prefix with 'k' (which also
 * makes the empty key a valid field name).
 */
export function mongoFieldName(key: string): string {
  return 'k' + key.replace(/[%.$]/g, (c) => (c === '%' ? '%25' : c === '.' ? '%2E' : '%24'));
}

export function fromMongoFieldName(field: string): string {
  return field.slice(1).replace(/%(25|2E|24)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const UNAVAILABLE = /MongoNetwork|MongoServerSelection|MongoTopologyClosed|MongoNotConnected|PoolCleared|MongoPoolClosed|MongoWriteConcern/;

/**
 * `fn` run once and its promise shared by every caller, until it rejects: then
 * the next call runs it again (an index creation that failed while the server
 * was down is retried when it is back).
 */
export function onceUntilFailure(fn: () => Promise<unknown>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () =>
    (pending ??= fn().then(
      () => undefined,
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    ));
}

/**
 * One MongoDB operation for a store: `ready` (e.g. creating indexes) then `op`,
 * both within `timeoutMs`. Driver errors that mean the server can't be reached
 * (matched by class name, without importing the driver) become StoreUnavailableError.
 */
export async function runMongoOp<T>(store: string, timeoutMs: number, ready: () => Promise<void>, op: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(
      store,
      timeoutMs,
      (async () => {
        await ready();
        return op();
      })(),
    );
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    if (err instanceof Error && (UNAVAILABLE.test(err.name) || UNAVAILABLE.test(err.constructor.name))) {
      throw new StoreUnavailableError(store, err.message, { cause: err });
    }
    throw err;
  }
}

/**
 * MongoDB: `apply` is one updateOne with `$set`/`$unset` on `data.<key>` — the
 * server merges atomically, so concurrent applies never lose keys. A TTL index on
 * expiresAt removes old documents (MongoDB's monitor runs about once a minute), and
 * every read also checks expiresAt, so an expired session is never returned.
 */
export class MongoStore implements SessionStore {
  readonly name = 'mongodb';
  private readonly collection: MongoCollectionLike;
  private readonly serializer: Serializer;
  private readonly now: Clock;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly ensureIndexes: () => Promise<void>;

  constructor(options: MongoStoreOptions) {
    this.collection = options.collection;
    this.ensureIndexes =
      (options.createIndexes ?? true)
        ? onceUntilFailure(() => this.collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' }))
        : () => Promise.resolve();
    this.serializer = options.serializer ?? jsonSerializer;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.operationTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 20;
  }

  async get(id: string): Promise<SessionData | null> {
    const doc = await this.run(() =>
      this.collection.findOne({ _id: key(id), expiresAt: { $gt: new Date(this.now()) } }, { projection: { data: 1 } }),
    );
    if (!doc) return null;
    const data: SessionData = {};
    for (const [field, raw] of Object.entries(doc.data ?? {})) {
      setOwn(data, fromMongoFieldName(field), this.serializer.decode(fromBson(raw)));
    }
    return data;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const doc = { data: this.encode(data), expiresAt: new Date(this.now() + ttlMs) };
    await this.retryOnDuplicate(() => this.collection.replaceOne({ _id: key(id) }, doc, { upsert: true }));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const _id = key(id);
    const now = this.now();
    // An expired document may still be waiting for the TTL monitor: drop it so its keys are not merged back in.
    await this.run(() => this.collection.deleteOne({ _id, expiresAt: { $lte: new Date(now) } }));
    const $set: Record<string, unknown> = { expiresAt: new Date(now + ttlMs) };
    for (const [k, v] of Object.entries(changes.set)) $set[`data.${mongoFieldName(k)}`] = this.serializer.encode(v);
    const $unset: Record<string, ''> = {};
    // A key both set and deleted ends up set (and MongoDB rejects $set and $unset on one path).
    for (const k of changes.delete) if (!Object.hasOwn(changes.set, k)) $unset[`data.${mongoFieldName(k)}`] = '';
    const update = Object.keys($unset).length ? { $set, $unset } : { $set };
    await this.retryOnDuplicate(() => this.collection.updateOne({ _id }, update, { upsert: true }));
  }

  async destroy(id: string): Promise<void> {
    await this.run(() => this.collection.deleteOne({ _id: key(id) }));
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const now = this.now();
    await this.run(() =>
      this.collection.updateOne({ _id: key(id), expiresAt: { $gt: new Date(now) } }, { $set: { expiresAt: new Date(now + ttlMs) } }),
    );
  }

  /** The TTL index does this on its own; cleanup() is for tests and for clocks the server doesn't share. */
  async cleanup(): Promise<number> {
    const result = await this.run(() => this.collection.deleteMany({ expiresAt: { $lte: new Date(this.now()) } }));
    return result.deletedCount;
  }

  private encode(values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) out[mongoFieldName(k)] = this.serializer.encode(v);
    return out;
  }

  /** Two upserts of a new _id can race; the loser gets E11000 and simply tries again. */
  private async retryOnDuplicate<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      try {
        return await this.run(op);
      } catch (err) {
        if ((err as { code?: unknown } | null)?.code !== 11000) throw err;
        recordConflictMerged(this.name);
        await retryDelay(attempt);
      }
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    return runMongoOp(this.name, this.timeoutMs, () => this.ensureIndexes(), op);
  }
}

function key(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** Strings come back as strings; Buffers come back as BSON Binary (read without importing the driver). */
function fromBson(raw: unknown): string | Buffer {
  if (typeof raw === 'string') return raw;
  if (raw && typeof raw === 'object' && (raw as { _bsontype?: unknown })._bsontype === 'Binary') {
    const bytes = (raw as { buffer: Uint8Array }).buffer;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  throw new TypeError('MongoStore found a value it did not write (expected a string or Binary).');
}
