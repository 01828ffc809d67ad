/**
 * MongoDB in Flask-Session 0.8's layout (flask_session/mongodb): documents
 * `{ id: prefix + sid, val: <msgpack blob as Binary>, expiration: <UTC Date> }` in
 * SESSION_MONGODB_DB / SESSION_MONGODB_COLLECT (Flask-Session's defaults:
 * 'flask_session' / 'sessions'), with the same TTL index on `expiration`.
 *
 * `apply` is a compare-and-set on `val` (updateOne filtered on the bytes read);
 * no match means another writer got in between, so read and merge again. Like
 * Flask-Session, there is no unique index on `id`.
 */
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError } from '../errors.js';
import { onceUntilFailure, runMongoOp } from '../mongo-store.js';
import { retryDelay } from '../retry-delay.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from '../store.js';
import { assertTtl, mergeChanges } from '../store.js';
import { decodeSessionBlob, encodeSessionBlob } from './session-blob.js';

/** A Flask-Session document as read back (`val` is a BSON Binary, read without importing the driver). */
export interface FlaskMongoDocLike {
  val?: unknown;
  expiration?: Date;
}

/** The part of a `mongodb` (v6) Collection this store uses. */
export interface FlaskMongoCollectionLike {
  findOne(filter: object): Promise<FlaskMongoDocLike | null>;
  updateOne(filter: object, update: object, options?: { upsert?: boolean }): Promise<{ matchedCount: number; upsertedCount: number }>;
  deleteOne(filter: object): Promise<unknown>;
  deleteMany(filter: object): Promise<{ deletedCount: number }>;
  createIndex(keys: Record<string, 1 | -1>, options: { expireAfterSeconds: number }): Promise<unknown>;
}

export interface MongoRecordStoreOptions {
  collection: FlaskMongoCollectionLike;
  /** SESSION_KEY_PREFIX, the same as the Flask app's. Default 'session:'. */
  prefix?: string;
  /** Create Flask-Session's TTL index on `expiration`. Default true. */
  createIndexes?: boolean;
  now?: Clock;
  operationTimeoutMs?: number;
  maxRetries?: number;
  onUnreadable?: (store: string) => void;
}

export class MongoRecordStore implements SessionStore {
  readonly name = 'mongodb';
  private readonly collection: FlaskMongoCollectionLike;
  private readonly prefix: string;
  private readonly now: Clock;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly onUnreadable: (store: string) => void;
  private readonly ensureIndexes: () => Promise<void>;

  constructor(options: MongoRecordStoreOptions) {
    this.collection = options.collection;
    this.prefix = options.prefix ?? 'session:';
    // The same index Flask-Session makes (create_index("expiration", expireAfterSeconds=0)), so the two never clash.
    this.ensureIndexes =
      (options.createIndexes ?? true) ? onceUntilFailure(() => this.collection.createIndex({ expiration: 1 }, { expireAfterSeconds: 0 })) : () => Promise.resolve();
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.operationTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 20;
    this.onUnreadable = options.onUnreadable ?? (() => {});
  }

  async get(id: string): Promise<SessionData | null> {
    const doc = await this.run(() => this.collection.findOne({ id: this.prefix + id, expiration: { $gt: new Date(this.now()) } }));
    const raw = doc ? bytesOf(doc.val) : null;
    return raw ? this.decode(raw) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    const doc = { id: key, val: encodeSessionBlob(data), expiration: new Date(this.now() + ttlMs) };
    await this.run(() => this.collection.updateOne({ id: key }, { $set: doc }, { upsert: true }));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const now = this.now();
      const doc = await this.run(() => this.collection.findOne({ id: key }));
      const old = doc ? bytesOf(doc.val) : null;
      const live = doc?.expiration instanceof Date && doc.expiration.getTime() > now;
      const current = old && live ? (this.decode(old) ?? {}) : {};
      const next = { id: key, val: encodeSessionBlob(mergeChanges(current, changes)), expiration: new Date(now + ttlMs) };
      const result = doc
        ? await this.run(() => this.collection.updateOne(old ? { id: key, val: old } : { id: key }, { $set: next }))
        : await this.run(() => this.collection.updateOne({ id: key }, { $setOnInsert: next }, { upsert: true }));
      if (doc ? result.matchedCount === 1 : result.upsertedCount === 1) return;
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    await this.run(() => this.collection.deleteOne({ id: this.prefix + id }));
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const now = this.now();
    await this.run(() =>
      this.collection.updateOne({ id: this.prefix + id, expiration: { $gt: new Date(now) } }, { $set: { expiration: new Date(now + ttlMs) } }),
    );
  }

  async cleanup(): Promise<number> {
    const result = await this.run(() => this.collection.deleteMany({ expiration: { $lte: new Date(this.now()) } }));
    return result.deletedCount;
  }

  private decode(raw: Buffer): SessionData | null {
    const data = decodeSessionBlob(raw);
    if (data === null) this.onUnreadable(this.name);
    return data;
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    return runMongoOp(this.name, this.timeoutMs, () => this.ensureIndexes(), op);
  }
}

/** `val` as bytes: a BSON Binary from the driver (or a Buffer), else null. */
function bytesOf(val: unknown): Buffer | null {
  if (Buffer.isBuffer(val)) return val;
  if (val && typeof val === 'object' && (val as { _bsontype?: unknown })._bsontype === 'Binary') {
    const bytes = (val as { buffer: Uint8Array }).buffer;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return null;
}
