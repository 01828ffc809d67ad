import type { SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, setOwn } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer, toBytes } from './serializers.js';
import { DEFAULT_STORE_TIMEOUT_MS, StoreUnavailableError, withTimeout } from './errors.js';

/*
 * Layout: one Redis HASH per session at `prefix + id`, one field per top-level
 * session key ('k:' + key, value serialised on its own) plus a marker field '~'
 * so an empty session still exists. `apply` is MULTI { HSET; HDEL; PEXPIRE }:
 * atomic, and it merges by construction, so concurrent requests that change
 * different keys never overwrite each other. One key per session means one hash
 * slot, so it works unchanged on Redis Cluster.
 */
const MARKER = '~';
const FIELD = 'k:';

type Fields = Record<string, string | Buffer>;

/** The part of a node-redis (v4–v6) client or cluster client this store uses. */
export interface NodeRedisClientLike {
  readonly isReady: boolean;
  multi(): NodeRedisMultiLike;
  pExpire(key: string, ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  withTypeMapping(mapping: Record<number, unknown>): NodeRedisCommandsLike;
  /** node-redis ≥ 5: the same client with other per-command options. */
  withCommandOptions?(options: { typeMapping?: Record<number, unknown>; timeout?: number }): NodeRedisCommandsLike;
}
/** The single commands the store sends through a node-redis client view. */
export interface NodeRedisCommandsLike {
  hGetAll(key: string): Promise<unknown>;
  pExpire(key: string, ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
}
export interface NodeRedisMultiLike {
  del(key: string): NodeRedisMultiLike;
  hSet(key: string, fields: Fields): NodeRedisMultiLike;
  hDel(key: string, fields: string[]): NodeRedisMultiLike;
  pExpire(key: string, ms: number): NodeRedisMultiLike;
  exec(): Promise<unknown>;
}

/** The part of an ioredis (v5) `Redis` or `Cluster` this store uses. */
export interface IORedisClientLike {
  readonly status: string;
  multi(): IORedisMultiLike;
  pexpire(key: string, ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  hgetallBuffer(key: string): Promise<Record<string, Buffer>>;
}
export interface IORedisMultiLike {
  del(key: string): IORedisMultiLike;
  hset(key: string, fields: Fields): IORedisMultiLike;
  hdel(key: string, ...fields: string[]): IORedisMultiLike;
  pexpire(key: string, ms: number): IORedisMultiLike;
  exec(): Promise<[Error | null, unknown][] | null>;
}

export interface RedisStoreOptions {
  /**
   * A connected node-redis client (`createClient`/`createCluster`) or ioredis client
   * (`new Redis`/`new Cluster`). The store never closes it. Create it with
   * `disableOfflineQueue: true` (node-redis) or `enableOfflineQueue: false` (ioredis)
   * so commands are not queued while the server is away.
   */
  client: NodeRedisClientLike | IORedisClientLike;
  /** Key prefix. Default 'session:'. */
  prefix?: string;
  /** Per-value encoding. Default JSON. */
  serializer?: Serializer;
  /**
   * A command with no answer after this many ms fails with StoreUnavailableError. Default 2000.
   * For node-redis this replaces the client's own per-command timeout on the store's
   * commands, which costs an `AbortSignal.timeout` per command.
   */
  commandTimeoutMs?: number;
  /** Fail at once, without sending, when the client reports it is not connected. Default true. */
  failFast?: boolean;
}

// RESP_TYPES.BLOB_STRING in node-redis: read bulk strings as Buffers. Inlined so
// users of ioredis need not install node-redis.
const RESP_BLOB_STRING = 36;

// Reply errors that mean "the server can't serve you right now", not "bad command".
export const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|BUSY|READONLY|MOVED|ASK)\b/;

/**
 * The client's command view for the store. node-redis 6 arms an `AbortSignal.timeout`
 * for every single command (its default command timeout is 5 s); that was ~15 % of
 * micro-redis's CPU profile. `run` already bounds each command, so it is switched off.
 */
function nodeRedisCommands(client: NodeRedisClientLike): NodeRedisCommandsLike {
  const typeMapping = { [RESP_BLOB_STRING]: Buffer };
  return client.withCommandOptions
    ? client.withCommandOptions({ typeMapping, timeout: 0 })
    : client.withTypeMapping(typeMapping);
}

function isNodeRedis(client: NodeRedisClientLike | IORedisClientLike): client is NodeRedisClientLike {
  return typeof (client as NodeRedisClientLike).withTypeMapping === 'function';
}

export class RedisStore implements SessionStore {
  readonly name = 'redis';
  private readonly client: NodeRedisClientLike | IORedisClientLike;
  private readonly prefix: string;
  private readonly serializer: Serializer;
  private readonly timeoutMs: number;
  private readonly failFast: boolean;
  // node-redis only: bulk strings as Buffers, and no client-side timeout (ours is `run`'s).
  private readonly commands: NodeRedisCommandsLike | undefined;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'session:';
    this.serializer = options.serializer ?? jsonSerializer;
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.failFast = options.failFast ?? true;
    this.commands = isNodeRedis(this.client) ? nodeRedisCommands(this.client) : undefined;
  }

  async get(id: string): Promise<SessionData | null> {
    const key = this.prefix + id;
    const hash = await this.run(() =>
      this.commands
        ? (this.commands.hGetAll(key) as Promise<Record<string, Buffer>>)
        : (this.client as IORedisClientLike).hgetallBuffer(key),
    );
    if (!hash || !(MARKER in hash)) return null;
    const data: SessionData = {};
    for (const [field, raw] of Object.entries(hash)) {
      if (field.startsWith(FIELD)) setOwn(data, field.slice(FIELD.length), this.serializer.decode(raw));
    }
    return data;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.transaction(id, this.encode(data), [], ttlMs, true);
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const setKeys = new Set(Object.keys(changes.set));
    // A key both set and deleted ends up set (same rule as mergeChanges).
    const deletes = changes.delete.filter((k) => !setKeys.has(k)).map((k) => FIELD + k);
    await this.transaction(id, this.encode(changes.set), deletes, ttlMs, false);
  }

  async destroy(id: string): Promise<void> {
    await this.run(() => (this.commands ?? this.client).del(this.prefix + id));
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    // PEXPIRE on a missing key does nothing, so touch never creates a session.
    await this.run(() => (this.commands ? this.commands.pExpire(key, ttlMs) : (this.client as IORedisClientLike).pexpire(key, ttlMs)));
  }

  private encode(values: Record<string, unknown>): Fields {
    const fields: Fields = { [MARKER]: '1' };
    for (const [k, v] of Object.entries(values)) fields[FIELD + k] = toBytes(this.serializer.encode(v));
    return fields;
  }

  private async transaction(id: string, fields: Fields, deletes: string[], ttlMs: number, replace: boolean): Promise<void> {
    const key = this.prefix + id;
    const ms = Math.ceil(ttlMs);
    if (isNodeRedis(this.client)) {
      const client = this.client;
      await this.run(() => {
        let m = client.multi();
        if (replace) m = m.del(key);
        m = m.hSet(key, fields);
        if (deletes.length) m = m.hDel(key, deletes);
        return m.pExpire(key, ms).exec();
      });
    } else {
      const client = this.client;
      const replies = await this.run(() => {
        let m = client.multi();
        if (replace) m = m.del(key);
        m = m.hset(key, fields);
        if (deletes.length) m = m.hdel(key, ...deletes);
        return m.pexpire(key, ms).exec();
      });
      // ioredis reports per-command errors inside the reply list instead of rejecting.
      for (const [err] of replies ?? []) if (err) throw this.classify(err);
    }
  }

  /** Run one command with fail-fast, a timeout, and outage errors mapped to StoreUnavailableError. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.failFast && !this.connected()) {
      throw new StoreUnavailableError(this.name, 'the client is not connected');
    }
    try {
      return await withTimeout(this.name, this.timeoutMs, command());
    } catch (err) {
      throw this.classify(err);
    }
  }

  /**
   * False only in states that mean an outage. ioredis' start-up states
   * ('wait', 'connecting', 'connect') are let through: a fresh client may queue
   * its first commands, bounded by the command timeout.
   */
  private connected(): boolean {
    if (isNodeRedis(this.client)) return this.client.isReady;
    return !['reconnecting', 'close', 'end'].includes(this.client.status);
  }

  private classify(err: unknown): unknown {
    if (err instanceof StoreUnavailableError) return err;
    const reply = replyError(err);
    // A real command error (WRONGTYPE…) is a bug, not an outage: surface it as is.
    if (reply && !TRANSIENT_REPLY.test(reply.message)) return reply;
    const message = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(this.name, reply?.message ?? message, { cause: err });
  }
}

/**
 * The server's error reply inside `err`, if it is one: node-redis throws
 * SimpleError/ErrorReply (MultiErrorReply wraps them for MULTI), ioredis ReplyError.
 */
export function replyError(err: unknown): Error | undefined {
  if (!(err instanceof Error)) return undefined;
  const names: string[] = [];
  for (let p: object | null = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    names.push((p as { constructor: { name: string } }).constructor.name);
  }
  if (names.includes('MultiErrorReply')) {
    const replies = (err as Error & { replies?: unknown[] }).replies ?? [];
    return replies.find((r): r is Error => r instanceof Error) ?? err;
  }
  return names.some((n) => /^(ErrorReply|ReplyError|SimpleError|BlobError)$/.test(n)) ? err : undefined;
}
