/**
 * The store for a SESSION_TYPE, built from `app.config` as Flask-Session
 * builds its backends. A client the user passed in (SESSION_REDIS,
 * SESSION_SQL…) wins, and the store never closes it; without one, micro opens
 * a connection from the store's URL key (connect.ts) and closes it with the
 * app (`app.onClose`).
 */
import { join } from 'node:path';
import { ConfigError, type App } from '@micro/core';
import { FileSystemStore } from '../stores/filesystem-store.js';
import { MemcachedStore } from '../stores/memcached-store.js';
import { MemoryStore } from '../stores/memory-store.js';
import { MongoStore } from '../stores/mongo-store.js';
import { RedisStore } from '../stores/redis-store.js';
import { jsonSerializer, msgpackSerializer, type Serializer } from '../stores/serializers.js';
import { SqlStore } from '../stores/sql-store.js';
import type { SessionStore } from '../stores/store.js';
import { openMemcached, openMongo, openRedis, openSql } from './connect.js';
import { defaultDriverLoader, type DriverLoader } from './driver-loader.js';
import type { OpenedStore } from './opened-store.js';
import { PrefixedStore } from './prefixed-store.js';
import { createFlaskSessionStore } from './create-flask-session-store.js';
import { storeTimeoutMs } from './outage-config.js';
import { checkServerSideKey, SERVER_SIDE_SESSION_TYPES, type ServerSideSessionType } from './server-side-config.js';

/** Where filesystem sessions go when SESSION_FILE_DIR is null (Flask-Session: `./flask_session`). */
export const DEFAULT_SESSION_FILE_DIR = 'micro_session';

/** SESSION_SERIALIZATION_FORMAT as a store serializer. */
export function serializerFor(app: App): Serializer {
  return app.config.SESSION_SERIALIZATION_FORMAT === 'msgpack' ? msgpackSerializer : jsonSerializer;
}

/**
 * Build the store for `type` from the app's config; throws a ConfigError naming
 * the key at fault, or the driver to install. `loader` finds store drivers.
 */
export function createStore(type: ServerSideSessionType, app: App, loader: DriverLoader = defaultDriverLoader): SessionStore {
  const c = app.config;
  if (c.SESSION_RECORD_FORMAT === 'flask-session') return createFlaskSessionStore(type, app, loader);
  const serializer = serializerFor(app);
  const prefix = c.SESSION_KEY_PREFIX;
  const timeout = storeTimeoutMs(app);
  switch (type) {
    case 'memory':
      return new MemoryStore({
        serializer,
        max: c.SESSION_MEMORY_THRESHOLD,
        maxBytes: c.SESSION_MEMORY_MAX_BYTES,
        maxRecordBytes: c.SESSION_MEMORY_MAX_RECORD_BYTES,
      });
    case 'redis': {
      const build = (client: RedisClient) => new RedisStore({ client, prefix, serializer, commandTimeoutMs: timeout });
      const client = passed(app, 'SESSION_REDIS', REDIS_HOWTO);
      return client ? build(client) : opened(app, 'SESSION_REDIS_URL', () => openRedis(app, build, loader));
    }
    case 'memcached': {
      const build = (client: MemcachedClient) => new MemcachedStore({ client, prefix, serializer, commandTimeoutMs: timeout });
      const client = passed(app, 'SESSION_MEMCACHED', MEMCACHED_HOWTO);
      return client ? build(client) : opened(app, 'SESSION_MEMCACHED_SERVERS', () => openMemcached(app, build, loader));
    }
    case 'sql': {
      const onWarning = (message: string) => app.logger.warn(message);
      const build = (knex: Knex) => prefixed(new SqlStore({ knex, table: c.SESSION_SQL_TABLE, serializer, onWarning, queryTimeoutMs: timeout }), prefix);
      const knex = passed(app, 'SESSION_SQL', SQL_HOWTO);
      return knex ? build(knex) : opened(app, 'SESSION_SQL_URL', () => openSql(app, build, loader));
    }
    case 'mongodb': {
      const build = (client: MongoClient) =>
        prefixed(new MongoStore({ collection: client.db(c.SESSION_MONGODB_DB).collection(c.SESSION_MONGODB_COLLECT), serializer, operationTimeoutMs: timeout }), prefix);
      const client = passed(app, 'SESSION_MONGODB', MONGODB_HOWTO);
      return client ? build(client) : opened(app, 'SESSION_MONGODB_URL', () => openMongo(app, build, loader));
    }
    case 'filesystem': {
      const dir = c.SESSION_FILE_DIR ?? join(process.cwd(), DEFAULT_SESSION_FILE_DIR);
      const store = new FileSystemStore({ dir, threshold: c.SESSION_FILE_THRESHOLD, mode: c.SESSION_FILE_MODE, serializer });
      return prefixed(store, prefix);
    }
    default: {
      const unknown: never = type;
      throw new ConfigError(
        `Unknown server-side SESSION_TYPE ${JSON.stringify(unknown)}; use one of ${SERVER_SIDE_SESSION_TYPES.join(', ')}.`,
        ['SESSION_TYPE'],
      );
    }
  }
}

type RedisClient = NonNullable<App['config']['SESSION_REDIS']>;
type MemcachedClient = NonNullable<App['config']['SESSION_MEMCACHED']>;
type Knex = NonNullable<App['config']['SESSION_SQL']>;
type MongoClient = NonNullable<App['config']['SESSION_MONGODB']>;

/** A connection micro opened itself closes with the app: `server.close()`, SIGTERM, `app.close()`. */
export function opened(app: App, urlKey: string, open: () => OpenedStore): OpenedStore {
  // sessions(app) runs before the app validates its config: check the URL key here, so a wrong one fails now.
  const expected = checkServerSideKey(urlKey, app.config.get(urlKey));
  if (expected !== null) throw new ConfigError(`${urlKey} must be ${expected}.`, [urlKey]);
  const store = open();
  app.onClose(() => store.close());
  return store;
}

function prefixed(store: SessionStore, prefix: string): SessionStore {
  return prefix ? new PrefixedStore(store, prefix) : store;
}

type ClientKey = 'SESSION_REDIS' | 'SESSION_MEMCACHED' | 'SESSION_SQL' | 'SESSION_MONGODB';

/** The client passed in under `key`, checked, or null when there is none. */
export function passed<K extends ClientKey>(app: App, key: K, howTo: string): NonNullable<App['config'][K]> | null {
  const value = app.config[key];
  if (value === null || value === undefined) return null;
  // sessions(app) runs before the app validates its config: check the client here, so a wrong one gets this message.
  const expected = checkServerSideKey(key, value);
  if (expected !== null) throw new ConfigError(`${key} must be ${expected}: ${howTo}`, [key]);
  return value as NonNullable<App['config'][K]>;
}

const REDIS_HOWTO =
  "pass a connected client, e.g. `app.config.SESSION_REDIS = await createClient({ url, disableOfflineQueue: true }).connect()` (node-redis) or `new Redis(url, { enableOfflineQueue: false })` (ioredis).";
const MEMCACHED_HOWTO = "pass a client, e.g. `app.config.SESSION_MEMCACHED = new MemcacheClient({ server: '127.0.0.1:11211' })` (memcache-client).";
const SQL_HOWTO = "pass a knex instance, e.g. `app.config.SESSION_SQL = knex({ client: 'pg', connection: process.env.DATABASE_URL })`.";
const MONGODB_HOWTO = 'pass a connected client, e.g. `app.config.SESSION_MONGODB = await new MongoClient(url).connect()`.';
