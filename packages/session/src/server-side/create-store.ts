/**
 * The store for a SESSION_TYPE, built from `app.config` as Flask-Session
 * builds its backends: clients are the ones the user passed in (SESSION_REDIS,
 * SESSION_SQL…); the store never closes them.
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
import { PrefixedStore } from './prefixed-store.js';
import { checkServerSideKey, SERVER_SIDE_SESSION_TYPES, type ServerSideSessionType } from './server-side-config.js';

/** Where filesystem sessions go when SESSION_FILE_DIR is null (Flask-Session: `./flask_session`). */
export const DEFAULT_SESSION_FILE_DIR = 'micro_session';

/** SESSION_SERIALIZATION_FORMAT as a store serializer. */
export function serializerFor(app: App): Serializer {
  return app.config.SESSION_SERIALIZATION_FORMAT === 'msgpack' ? msgpackSerializer : jsonSerializer;
}

/** Build the store for `type` from the app's config; throws a ConfigError naming the missing key. */
export function createStore(type: ServerSideSessionType, app: App): SessionStore {
  const c = app.config;
  const serializer = serializerFor(app);
  const prefix = c.SESSION_KEY_PREFIX;
  switch (type) {
    case 'memory':
      return new MemoryStore({ serializer });
    case 'redis':
      return new RedisStore({ client: required(app, 'SESSION_REDIS', type, REDIS_HOWTO), prefix, serializer });
    case 'memcached':
      return new MemcachedStore({ client: required(app, 'SESSION_MEMCACHED', type, MEMCACHED_HOWTO), prefix, serializer });
    case 'sql': {
      const knex = required(app, 'SESSION_SQL', type, SQL_HOWTO);
      return prefixed(new SqlStore({ knex, table: c.SESSION_SQL_TABLE, serializer }), prefix);
    }
    case 'mongodb': {
      const client = required(app, 'SESSION_MONGODB', type, MONGODB_HOWTO);
      const collection = client.db(c.SESSION_MONGODB_DB).collection(c.SESSION_MONGODB_COLLECT);
      return prefixed(new MongoStore({ collection, serializer }), prefix);
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

function prefixed(store: SessionStore, prefix: string): SessionStore {
  return prefix ? new PrefixedStore(store, prefix) : store;
}

type ClientKey = 'SESSION_REDIS' | 'SESSION_MEMCACHED' | 'SESSION_SQL' | 'SESSION_MONGODB';

function required<K extends ClientKey>(app: App, key: K, type: string, howTo: string): NonNullable<App['config'][K]> {
  const value = app.config[key];
  if (value === null || value === undefined) {
    throw new ConfigError(`SESSION_TYPE '${type}' needs ${key}: ${howTo}`, [key]);
  }
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
