/**
 * SESSION_TYPE and the store's address from the environment, turned into the
 * config keys @micro/session reads (SESSION_REDIS, SESSION_SQL…), plus
 * SESSION_ABSOLUTE_LIFETIME (seconds). Drivers are imported only for the type
 * in use.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigValues } from '@micro/core';
import { SERVER_SIDE_SESSION_TYPES, type ServerSideSessionType } from '@micro/session';

export interface StoreSetup {
  type: ServerSideSessionType;
  /** Config keys to apply before `sessions(app)`. */
  config: Partial<ConfigValues>;
  /** Where the sessions are, for the start-up line (no passwords). */
  where: string;
  /** Close the client this module opened. */
  close(): Promise<void>;
}

export async function sessionStoreFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<StoreSetup> {
  const absolute = absoluteLifetimeFromEnv(env); // checked before a connection is opened
  const setup = await storeFromEnv(env);
  if (absolute !== null) setup.config.SESSION_ABSOLUTE_LIFETIME = absolute;
  return setup;
}

/** SESSION_ABSOLUTE_LIFETIME: seconds after login when a session ends however active it is; unset or empty for no limit. */
export function absoluteLifetimeFromEnv(env: NodeJS.ProcessEnv): number | null {
  const text = env.SESSION_ABSOLUTE_LIFETIME?.trim();
  if (!text) return null;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds <= 0) {
    throw new Error(`SESSION_ABSOLUTE_LIFETIME must be a whole number of seconds greater than 0 (e.g. 28800 for 8 hours); got ${JSON.stringify(text)}.`);
  }
  return seconds;
}

async function storeFromEnv(env: NodeJS.ProcessEnv): Promise<StoreSetup> {
  const type = (env.SESSION_TYPE || 'filesystem') as ServerSideSessionType;
  const nothing = async () => {};
  switch (type) {
    case 'memory':
      return { type, config: {}, where: 'this process (lost on restart)', close: nothing };
    case 'filesystem': {
      const dir = env.SESSION_FILE_DIR || join(tmpdir(), 'micro-server-side-sessions');
      return { type, config: { SESSION_FILE_DIR: dir }, where: dir, close: nothing };
    }
    case 'redis': {
      const url = env.REDIS_URL || 'redis://127.0.0.1:6379';
      const { createClient } = await import('redis');
      // No offline queue: while Redis is away, requests answer 503 at once instead of waiting.
      const client = createClient({ url, disableOfflineQueue: true });
      client.on('error', () => {}); // reconnects on its own; each failed request logs one line
      await client.connect();
      return { type, config: { SESSION_REDIS: client }, where: hidePassword(url), close: async () => void (await client.close()) };
    }
    case 'memcached': {
      const server = (env.MEMCACHED_URL || '127.0.0.1:11211').replace(/^memcached:\/\//, '');
      const { MemcacheClient } = await import('memcache-client');
      const client = new MemcacheClient({ server, cmdTimeout: 2000, connectTimeout: 2000 });
      return { type, config: { SESSION_MEMCACHED: client }, where: server, close: async () => client.shutdown() };
    }
    case 'sql': {
      const url = env.DATABASE_URL || `sqlite://${join(tmpdir(), 'micro-server-side-sessions.db')}`;
      const { default: knex } = await import('knex');
      const db = knex(knexConfig(url));
      return { type, config: { SESSION_SQL: db }, where: hidePassword(url), close: () => db.destroy() };
    }
    case 'mongodb': {
      const url = env.MONGODB_URL || 'mongodb://127.0.0.1:27017';
      const { MongoClient } = await import('mongodb');
      const client = await new MongoClient(url, { serverSelectionTimeoutMS: 5000 }).connect();
      return { type, config: { SESSION_MONGODB: client }, where: hidePassword(url), close: () => client.close() };
    }
    default:
      throw new Error(`SESSION_TYPE=${JSON.stringify(type)} is not a server-side type; use one of ${SERVER_SIDE_SESSION_TYPES.join(', ')}.`);
  }
}

/** postgres://…, mysql://… or sqlite:///path/to/file.db as a knex config. */
function knexConfig(url: string) {
  const scheme = url.slice(0, url.indexOf(':'));
  if (scheme === 'postgres' || scheme === 'postgresql') return { client: 'pg', connection: url };
  if (scheme === 'mysql' || scheme === 'mariadb') return { client: 'mysql2', connection: url.replace(/^mariadb:/, 'mysql:') };
  if (scheme === 'sqlite') return { client: 'better-sqlite3', connection: { filename: url.replace(/^sqlite:\/\//, '') }, useNullAsDefault: true };
  throw new Error(`DATABASE_URL must start with postgres://, mysql://, mariadb:// or sqlite://; got ${hidePassword(url)}`);
}

function hidePassword(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
