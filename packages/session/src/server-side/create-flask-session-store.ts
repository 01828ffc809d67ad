/**
 * SESSION_RECORD_FORMAT 'flask-session': the store for a SESSION_TYPE, laid out
 * exactly as Flask-Session 0.8 lays out its records, so a Flask app and a micro
 * app with the same SECRET_KEY, SESSION_KEY_PREFIX and backend share sessions.
 * Clients and URLs come from the same keys as micro's own layout.
 */
import { join } from 'node:path';
import { ConfigError, type App } from '@micro/core';
import { CachelibFileStore } from '../stores/flask-session/cachelib-file-store.js';
import type { FlaskKnexLike } from '../stores/flask-session/flask-knex-like.js';
import { MemcachedRecordStore } from '../stores/flask-session/memcached-record-store.js';
import { MemcachedTextClient } from '../stores/flask-session/memcached-text-client.js';
import { MongoRecordStore, type FlaskMongoCollectionLike } from '../stores/flask-session/mongo-record-store.js';
import { RedisRecordStore, type IORedisRecordClientLike, type NodeRedisRecordClientLike } from '../stores/flask-session/redis-record-store.js';
import { SqlRecordStore } from '../stores/flask-session/sql-record-store.js';
import type { SessionStore } from '../stores/store.js';
import { openMongo, openRedis, openSql, DEFAULT_MEMCACHED_SERVERS } from './connect.js';
import { opened, passed } from './create-store.js';
import type { DriverLoader } from './driver-loader.js';
import type { ServerSideSessionType } from './server-side-config.js';
import { storeTimeoutMs } from './outage-config.js';

/** Where Flask-Session keeps session files when SESSION_FILE_DIR is null: `./flask_session`. */
export const FLASK_SESSION_FILE_DIR = 'flask_session';

export function createFlaskSessionStore(type: ServerSideSessionType, app: App, loader: DriverLoader): SessionStore {
  const c = app.config;
  const prefix = c.SESSION_KEY_PREFIX;
  const timeout = storeTimeoutMs(app);
  const onUnreadable = (store: string, reason?: string) =>
    app.logger.warn(
      `[session] a record in the '${store}' store is not a Flask-Session record micro reads${reason ? ` (${reason})` : ''}; ` +
        'it is treated as no session and left as it is.',
    );
  switch (type) {
    case 'redis': {
      const build = (client: NodeRedisRecordClientLike | IORedisRecordClientLike) => new RedisRecordStore({ client, prefix, onUnreadable, commandTimeoutMs: timeout });
      const client = passed(app, 'SESSION_REDIS', 'pass a connected node-redis or ioredis client.');
      // Every client SESSION_REDIS accepts (node-redis, ioredis, their cluster clients) has the commands this store sends.
      return client ? build(client as unknown as NodeRedisRecordClientLike | IORedisRecordClientLike) : opened(app, 'SESSION_REDIS_URL', () => openRedis(app, build, loader));
    }
    case 'memcached': {
      if (c.SESSION_MEMCACHED !== null && c.SESSION_MEMCACHED !== undefined) {
        throw new ConfigError(
          "SESSION_RECORD_FORMAT 'flask-session' reads memcached values as raw bytes, which a memcache-client instance cannot do " +
            '(it tags Buffers with flag 8 and decodes flag-0 values as text). Leave SESSION_MEMCACHED null and set SESSION_MEMCACHED_SERVERS.',
          ['SESSION_MEMCACHED', 'SESSION_RECORD_FORMAT'],
        );
      }
      const servers = (c.SESSION_MEMCACHED_SERVERS ?? DEFAULT_MEMCACHED_SERVERS).split(',').map((s) => s.trim());
      if (servers.length !== 1) {
        throw new ConfigError(
          "SESSION_RECORD_FORMAT 'flask-session' needs exactly one memcached server: Python clients spread keys over several servers " +
            'each by their own hashing, which micro cannot match.',
          ['SESSION_MEMCACHED_SERVERS'],
        );
      }
      const [host, port] = splitHostPort(servers[0]!);
      const store = new MemcachedRecordStore({ client: new MemcachedTextClient({ host, port, timeoutMs: timeout }), prefix, onUnreadable });
      app.onClose(() => store.close());
      return store;
    }
    case 'sql': {
      const build = (knex: FlaskKnexLike) => new SqlRecordStore({ knex, table: c.SESSION_SQL_TABLE, prefix, onUnreadable, queryTimeoutMs: timeout });
      const knex = passed(app, 'SESSION_SQL', 'pass a knex instance.');
      return knex ? build(knex as unknown as FlaskKnexLike) : opened(app, 'SESSION_SQL_URL', () => openSql(app, build, loader));
    }
    case 'mongodb': {
      const build = (client: NonNullable<App['config']['SESSION_MONGODB']>) =>
        new MongoRecordStore({
          collection: client.db(c.SESSION_MONGODB_DB).collection(c.SESSION_MONGODB_COLLECT) as unknown as FlaskMongoCollectionLike,
          prefix,
          onUnreadable,
          operationTimeoutMs: timeout,
        });
      const client = passed(app, 'SESSION_MONGODB', 'pass a connected MongoClient.');
      return client ? build(client) : opened(app, 'SESSION_MONGODB_URL', () => openMongo(app, build, loader));
    }
    case 'filesystem':
      return new CachelibFileStore({
        dir: c.SESSION_FILE_DIR ?? join(process.cwd(), FLASK_SESSION_FILE_DIR),
        prefix,
        threshold: c.SESSION_FILE_THRESHOLD,
        mode: c.SESSION_FILE_MODE,
        hash: c.SESSION_FILE_HASH,
        onUnreadable,
      });
    case 'memory':
      throw new ConfigError(
        "SESSION_RECORD_FORMAT 'flask-session' shares records with a Flask app, and a memory store has nothing to share. " +
          'Use redis, memcached, sql, mongodb or filesystem, or leave SESSION_RECORD_FORMAT at its default.',
        ['SESSION_RECORD_FORMAT'],
      );
    default: {
      const unknown: never = type;
      throw new ConfigError(`Unknown server-side SESSION_TYPE ${JSON.stringify(unknown)}.`, ['SESSION_TYPE']);
    }
  }
}

function splitHostPort(server: string): [string, number] {
  const colon = server.lastIndexOf(':');
  return [server.slice(0, colon), Number(server.slice(colon + 1))];
}
