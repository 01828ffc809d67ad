/**
 * The configuration keys of server-side sessions, named and defaulted as in
 * Flask-Session (except SESSION_USE_SIGNER and SESSION_SERIALIZATION_FORMAT,
 * whose defaults are the safer and the more portable choice). SESSION_TYPE
 * itself belongs to `sessions(app)`; the values this module serves are in
 * SERVER_SIDE_SESSION_TYPES.
 */
import { Config, type ConfigKeySpec } from '@micro/core';
import type { KnexLike } from '../stores/knex-like.js';
import { MEMORY_STORE_DEFAULTS } from '../stores/memory-store.js';
import type { MemcacheClientLike } from '../stores/memcached-store.js';
import type { MongoClientLike } from './mongo-client-like.js';
import type { IORedisClientLike, NodeRedisClientLike } from '../stores/redis-store.js';

/** The SESSION_TYPE values served by `ServerSideSessionInterface`. */
export const SERVER_SIDE_SESSION_TYPES = ['memory', 'filesystem', 'redis', 'memcached', 'mongodb', 'sql'] as const;
export type ServerSideSessionType = (typeof SERVER_SIDE_SESSION_TYPES)[number];

/** SESSION_RECORD_FORMAT values: micro's own record layout, or Flask-Session 0.8's (to share sessions with a Flask app). */
export type SessionRecordFormat = 'micro' | 'flask-session';

/** SESSION_SERIALIZATION_FORMAT values. */
export type SessionSerializationFormat = 'json' | 'msgpack';

declare module '@micro/core' {
  interface ConfigValues {
    /** Keep new sessions for PERMANENT_SESSION_LIFETIME rather than until the browser closes. Default: `true`. */
    SESSION_PERMANENT: boolean;
    /** Sign the session id cookie (itsdangerous Signer, salt `flask-session`). Default: `true`. */
    SESSION_USE_SIGNER: boolean;
    /** Prepended to every session id in the store, so apps can share one. Default: `'session:'`. */
    SESSION_KEY_PREFIX: string;
    /** Bytes of crypto-random entropy in a session id (base64url in the cookie). Default: `32`. */
    SESSION_ID_LENGTH: number;
    /** How stored session values are encoded: `'json'` or `'msgpack'`. Default: `'json'`. */
    SESSION_SERIALIZATION_FORMAT: SessionSerializationFormat;
    /**
     * How records are laid out in the store: `'micro'`, or `'flask-session'` to store them
     * exactly as Flask-Session 0.8 does, so a Flask app with the same SECRET_KEY and
     * SESSION_KEY_PREFIX shares them (docs/server-side-sessions.md). Default: `'micro'`.
     */
    SESSION_RECORD_FORMAT: SessionRecordFormat;
    /** Run the store's `cleanup()` once every N requests (stores without native expiry); `null` never. Default: `null`. */
    SESSION_CLEANUP_N_REQUESTS: number | null;
    /** A connected node-redis or ioredis client (or cluster client), for SESSION_TYPE `redis`. Default: `null`. */
    SESSION_REDIS: NodeRedisClientLike | IORedisClientLike | null;
    /**
     * Where micro connects when SESSION_REDIS is null; `null` means the `REDIS_URL`
     * environment variable, else `redis://127.0.0.1:6379`. Default: `null`.
     */
    SESSION_REDIS_URL: string | null;
    /** A `memcache-client` MemcacheClient, for SESSION_TYPE `memcached`. Default: `null`. */
    SESSION_MEMCACHED: MemcacheClientLike | null;
    /** Where micro connects when SESSION_MEMCACHED is null: `'host:port'`, comma-separated for several; `null` means `127.0.0.1:11211`. Default: `null`. */
    SESSION_MEMCACHED_SERVERS: string | null;
    /** A connected `mongodb` MongoClient, for SESSION_TYPE `mongodb`. Default: `null`. */
    SESSION_MONGODB: MongoClientLike | null;
    /** Where micro connects when SESSION_MONGODB is null; `null` means `mongodb://127.0.0.1:27017`. Default: `null`. */
    SESSION_MONGODB_URL: string | null;
    /** Database of the sessions collection. Default: `'micro_session'`. */
    SESSION_MONGODB_DB: string;
    /** Collection of the sessions. Default: `'sessions'`. */
    SESSION_MONGODB_COLLECT: string;
    /** A knex instance (pg, mysql2 or better-sqlite3), for SESSION_TYPE `sql`. Default: `null`. */
    SESSION_SQL: KnexLike | null;
    /**
     * Where micro connects when SESSION_SQL is null, through knex: `postgres://…` (pg),
     * `mysql://…` (mysql2) or `sqlite:///file.db` (better-sqlite3). Default: `null`.
     */
    SESSION_SQL_URL: string | null;
    /** Table of the sessions, created if missing. Default: `'sessions'`. */
    SESSION_SQL_TABLE: string;
    /** Directory of session files; `null` means `./micro_session` under the working directory. Default: `null`. */
    SESSION_FILE_DIR: string | null;
    /** Most session files kept before the oldest are removed; 0 for no limit. Default: `500`. */
    SESSION_FILE_THRESHOLD: number;
    /** Permission bits of session files. Default: `0o600`. */
    SESSION_FILE_MODE: number;
    /**
     * With SESSION_RECORD_FORMAT 'flask-session': the hash cachelib names session files
     * with, `'sha256'` (cachelib 0.17+) or `'md5'` (cachelib up to 0.16). Default: `'sha256'`.
     */
    SESSION_FILE_HASH: 'sha256' | 'md5';
    /** Most sessions the memory store keeps; the least recently used go first. Default: `10000`. */
    SESSION_MEMORY_THRESHOLD: number;
    /** Most bytes the memory store keeps (serialised sessions plus bookkeeping); the least recently used go first. Default: `67108864` (64 MiB). */
    SESSION_MEMORY_MAX_BYTES: number;
    /** Largest session the memory store accepts, in bytes; a larger one answers 413 and is not saved. Default: `1048576` (1 MiB). */
    SESSION_MEMORY_MAX_RECORD_BYTES: number;
  }
}

// --- checks ---------------------------------------------------------------

const isBool = (v: unknown) => (typeof v === 'boolean' ? null : 'a boolean');
const isText = (v: unknown) => (typeof v === 'string' ? null : 'a string');
const isName = (v: unknown) => (typeof v === 'string' && v.length > 0 ? null : 'a non-empty string');
const isCount = (v: unknown) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : 'a non-negative integer';
const isPositiveCount = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? null : 'a positive integer');
const nullOr = (inner: (v: unknown) => string | null) => (v: unknown) => {
  if (v === null) return null;
  const error = inner(v);
  return error === null ? null : `${error} or null`;
};
const hasMethods = (what: string, ...methods: string[]) => (v: unknown) =>
  (typeof v === 'object' || typeof v === 'function') &&
  v !== null &&
  methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function')
    ? null
    : what;

const isUrl =
  (...schemes: string[]) =>
  (v: unknown) =>
    typeof v === 'string' && schemes.some((scheme) => v.toLowerCase().startsWith(scheme))
      ? null
      : `a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`;

/** A client object cannot come from an environment variable; say so instead of guessing. */
const notFromEnv = (what: string) => (): never => {
  throw new Error(`${what} built in code (it cannot come from the environment)`);
};

const REDIS = 'a connected node-redis or ioredis client (createClient, createCluster, new Redis, new Cluster)';
const MEMCACHED = 'a memcache-client MemcacheClient';
const MONGODB = 'a connected mongodb MongoClient';
const SQL = 'a knex instance';

// Session ids shorter than 128 bits can be guessed; longer than 256 bytes only bloat cookies and keys.
const MIN_ID_BYTES = 16;
const MAX_ID_BYTES = 256;

const KEYS: Record<string, ConfigKeySpec> = {
  SESSION_PERMANENT: { default: true, check: isBool },
  SESSION_USE_SIGNER: { default: true, check: isBool },
  SESSION_KEY_PREFIX: { default: 'session:', check: isText },
  SESSION_ID_LENGTH: {
    default: 32, // bytes: 43 base64url characters, as Flask-Session's secrets.token_urlsafe(32)
    check: (v) =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_ID_BYTES && v <= MAX_ID_BYTES
        ? null
        : `a whole number of bytes from ${MIN_ID_BYTES} to ${MAX_ID_BYTES}`,
  },
  SESSION_SERIALIZATION_FORMAT: {
    default: 'json',
    check: (v) => (v === 'json' || v === 'msgpack' ? null : "'json' or 'msgpack'"),
  },
  SESSION_RECORD_FORMAT: {
    default: 'micro',
    check: (v) => (v === 'micro' || v === 'flask-session' ? null : "'micro' or 'flask-session'"),
  },
  SESSION_CLEANUP_N_REQUESTS: {
    default: null,
    check: nullOr((v) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? null : 'a positive integer')),
    env: 'integer',
    nullable: true,
  },
  // Clients hold connection options (passwords): `secret` keeps them out of errors and toJSON().
  SESSION_REDIS: { default: null, check: nullOr(hasMethods(REDIS, 'multi', 'del')), env: notFromEnv(REDIS), secret: true },
  // URLs may carry passwords: `secret` as well.
  SESSION_REDIS_URL: { default: null, check: nullOr(isUrl('redis:', 'rediss:')), env: 'string', secret: true },
  SESSION_MEMCACHED_SERVERS: {
    default: null,
    check: nullOr((v) => (typeof v === 'string' && /^\s*[^\s,:]+:\d+\s*(,\s*[^\s,:]+:\d+\s*)*$/.test(v) ? null : "'host:port', comma-separated for several")),
    env: 'string',
  },
  SESSION_MEMCACHED: {
    default: null,
    check: nullOr(hasMethods(MEMCACHED, 'gets', 'cas', 'touch')),
    env: notFromEnv(MEMCACHED),
    secret: true,
  },
  SESSION_MONGODB_URL: { default: null, check: nullOr(isUrl('mongodb:', 'mongodb+srv:')), env: 'string', secret: true },
  SESSION_MONGODB: { default: null, check: nullOr(hasMethods(MONGODB, 'db')), env: notFromEnv(MONGODB), secret: true },
  SESSION_MONGODB_DB: { default: 'micro_session', check: isName },
  SESSION_MONGODB_COLLECT: { default: 'sessions', check: isName },
  SESSION_SQL: {
    default: null,
    check: nullOr((v) => (typeof v === 'function' && 'schema' in v && 'client' in v ? null : SQL)),
    env: notFromEnv(SQL),
    secret: true,
  },
  SESSION_SQL_URL: {
    default: null,
    check: nullOr(isUrl('postgres:', 'postgresql:', 'mysql:', 'mariadb:', 'sqlite:')),
    env: 'string',
    secret: true,
  },
  SESSION_SQL_TABLE: {
    default: 'sessions',
    check: (v) => (typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v) ? null : 'a table name (letters, digits, _)'),
  },
  SESSION_FILE_DIR: { default: null, check: nullOr(isName), env: 'string' },
  SESSION_FILE_THRESHOLD: { default: 500, check: isCount },
  SESSION_FILE_HASH: {
    default: 'sha256',
    check: (v) => (v === 'sha256' || v === 'md5' ? null : "'sha256' or 'md5'"),
  },
  SESSION_MEMORY_THRESHOLD: { default: MEMORY_STORE_DEFAULTS.max, check: isPositiveCount },
  SESSION_MEMORY_MAX_BYTES: { default: MEMORY_STORE_DEFAULTS.maxBytes, check: isPositiveCount },
  SESSION_MEMORY_MAX_RECORD_BYTES: { default: MEMORY_STORE_DEFAULTS.maxRecordBytes, check: isPositiveCount },
  SESSION_FILE_MODE: {
    default: 0o600,
    check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o777 ? null : 'permission bits such as 0o600'),
    env: parseMode,
  },
};

/** `600`, `0600` or `0o600` in the environment are octal, as in `chmod`. */
function parseMode(raw: string): number {
  const text = raw.trim().replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(text)) throw new Error('octal permission bits such as 600 or 0o600');
  return parseInt(text, 8);
}

for (const [key, spec] of Object.entries(KEYS)) Config.defineKey(key, spec);

/** What `key` expects when `value` is wrong (e.g. 'a knex instance'), else null; for checks before `validate()` runs. */
export function checkServerSideKey(key: string, value: unknown): string | null {
  return KEYS[key]?.check(value) ?? null;
}
