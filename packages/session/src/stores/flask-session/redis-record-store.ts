/**
 * Redis in Flask-Session 0.8's layout (flask_session/redis): one string key
 * `prefix + sid` holding the msgpack blob, expiring with SET's expiry, so a Flask
 * app and a micro app on the same Redis and prefix share sessions.
 *
 * Flask-Session rewrites the whole record on every save. micro's `apply` keeps its
 * per-key merge with a compare-and-set: read the record, merge, and write only if
 * the record still holds the bytes that were read (one Lua script, atomic on the
 * server); otherwise read again. A Flask write in between is therefore never lost
 * by micro. The reverse cannot be helped: Flask writes the record it read at the
 * start of its request, so a micro change made meanwhile is overwritten.
 */
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError, StoreUnavailableError, withTimeout } from '../errors.js';
import { replyError, TRANSIENT_REPLY } from '../redis-store.js';
import { retryDelay } from '../retry-delay.js';
import type { SessionChanges, SessionData, SessionStore } from '../store.js';
import { assertTtl, mergeChanges } from '../store.js';
import { decodeSessionBlob, encodeSessionBlob } from './session-blob.js';

/** The node-redis (v4–v6) commands this store sends, on a view that returns bulk strings as Buffers. */
export interface NodeRedisRecordCommandsLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: Buffer, options: { PX: number }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: Array<string | Buffer> }): Promise<unknown>;
  pExpire(key: string, ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}
export interface NodeRedisRecordClientLike {
  readonly isReady: boolean;
  withTypeMapping(mapping: Record<number, unknown>): NodeRedisRecordCommandsLike;
}
/** The ioredis (v5) `Redis`/`Cluster` commands this store sends. */
export interface IORedisRecordClientLike {
  readonly status: string;
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, px: 'PX', ms: number): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | Buffer>): Promise<unknown>;
  pexpire(key: string, ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}

export interface RedisRecordStoreOptions {
  /** A connected node-redis or ioredis client (or cluster client); never closed by the store. */
  client: NodeRedisRecordClientLike | IORedisRecordClientLike;
  /** SESSION_KEY_PREFIX, the same as the Flask app's. Default 'session:'. */
  prefix?: string;
  /** A command with no answer after this many ms fails with StoreUnavailableError. Default 2000. */
  commandTimeoutMs?: number;
  /** Compare-and-set attempts per apply before StoreConflictError. Default 100. */
  maxRetries?: number;
  /** Told (without the id) when a record is not a Flask-Session record; it is then treated as absent. */
  onUnreadable?: (store: string) => void;
}

// RESP_TYPES.BLOB_STRING in node-redis: read bulk strings as Buffers.
const RESP_BLOB_STRING = 36;

/** ARGV: 1 = '1' when the record was missing, 2 = the bytes read, 3 = the new bytes, 4 = PX. */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return 1`;

function isNodeRedis(client: NodeRedisRecordClientLike | IORedisRecordClientLike): client is NodeRedisRecordClientLike {
  return typeof (client as NodeRedisRecordClientLike).withTypeMapping === 'function';
}

export class RedisRecordStore implements SessionStore {
  readonly name = 'redis';
  private readonly client: NodeRedisRecordClientLike | IORedisRecordClientLike;
  private readonly commands: NodeRedisRecordCommandsLike | undefined;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly onUnreadable: (store: string) => void;

  constructor(options: RedisRecordStoreOptions) {
    this.client = options.client;
    this.commands = isNodeRedis(this.client) ? this.client.withTypeMapping({ [RESP_BLOB_STRING]: Buffer }) : undefined;
    this.prefix = options.prefix ?? 'session:';
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 100;
    this.onUnreadable = options.onUnreadable ?? (() => {});
  }

  async get(id: string): Promise<SessionData | null> {
    const raw = await this.read(this.prefix + id);
    return raw ? this.decode(raw) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    const value = encodeSessionBlob(data);
    const ms = Math.ceil(ttlMs);
    await this.run(() => (this.commands ? this.commands.set(key, value, { PX: ms }) : (this.client as IORedisRecordClientLike).set(key, value, 'PX', ms)));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const raw = await this.read(key);
      const current = raw ? (this.decode(raw) ?? {}) : {};
      const next = encodeSessionBlob(mergeChanges(current, changes));
      const args = [raw ? '0' : '1', raw ?? '', next, String(Math.ceil(ttlMs))];
      const stored = await this.run(() =>
        this.commands
          ? this.commands.eval(COMPARE_AND_SET, { keys: [key], arguments: args })
          : (this.client as IORedisRecordClientLike).eval(COMPARE_AND_SET, 1, key, ...args),
      );
      if (Number(stored) === 1) return;
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    const key = this.prefix + id;
    await this.run(() => (this.commands ? this.commands.del(key) : (this.client as IORedisRecordClientLike).del(key)));
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    const ms = Math.ceil(ttlMs);
    await this.run(() => (this.commands ? this.commands.pExpire(key, ms) : (this.client as IORedisRecordClientLike).pexpire(key, ms)));
  }

  private async read(key: string): Promise<Buffer | null> {
    const raw = await this.run(() => (this.commands ? this.commands.get(key) : (this.client as IORedisRecordClientLike).getBuffer(key)));
    return Buffer.isBuffer(raw) ? raw : null;
  }

  private decode(raw: Buffer): SessionData | null {
    const data = decodeSessionBlob(raw);
    if (data === null) this.onUnreadable(this.name);
    return data;
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    const connected = isNodeRedis(this.client) ? this.client.isReady : !['reconnecting', 'close', 'end'].includes(this.client.status);
    if (!connected) throw new StoreUnavailableError(this.name, 'the client is not connected');
    try {
      return await withTimeout(this.name, this.timeoutMs, command());
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      const reply = replyError(err);
      // A real command error (WRONGTYPE: the key holds micro's own hash layout) is a bug, not an outage.
      if (reply && !TRANSIENT_REPLY.test(reply.message)) throw reply;
      throw new StoreUnavailableError(this.name, reply?.message ?? (err instanceof Error ? err.message : String(err)), { cause: err });
    }
  }
}
