/**
 * SESSION_TYPE from config alone: when no client is passed in (SESSION_REDIS,
 * SESSION_MEMCACHED, SESSION_SQL, SESSION_MONGODB), micro opens one from the
 * store's URL key with whichever driver is installed, as Flask-Session falls
 * back to a server on localhost. The driver check runs now (start-up); the
 * connection opens on first use and closes with the app (`app.onClose`).
 * Drivers are typed here only by what is used, so micro's declarations import
 * none of them.
 */
import { ConfigError, type App } from '@micro/core';
import type { SessionStore } from '../stores/store.js';
import { requireDriver, requireDrivers, type DriverLoader } from './driver-loader.js';
import { OpenedStore, type OpenedConnection } from './opened-store.js';
import { setSqliteBusyTimeout } from '../stores/sqlite-busy.js';

/** Where SESSION_TYPE 'redis' connects without SESSION_REDIS_URL or REDIS_URL. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Where SESSION_TYPE 'memcached' connects without SESSION_MEMCACHED_SERVERS. */
export const DEFAULT_MEMCACHED_SERVERS = '127.0.0.1:11211';
/** Where SESSION_TYPE 'mongodb' connects without SESSION_MONGODB_URL. */
export const DEFAULT_MONGODB_URL = 'mongodb://127.0.0.1:27017';

type Build = (client: never) => SessionStore;
type Module = Record<string, unknown>;
type Ctor = new (...args: unknown[]) => unknown;

interface Emitter {
  on(event: string, listener: (arg?: unknown) => void): unknown;
  off(event: string, listener: (arg?: unknown) => void): unknown;
}
interface NodeRedisClient extends Emitter {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<unknown>;
}
interface IORedisClient extends Emitter {
  readonly status: string;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** SESSION_TYPE 'redis': SESSION_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379; node-redis, else ioredis. */
export function openRedis(app: App, build: Build, loader: DriverLoader): OpenedStore {
  const driver = requireDriver(loader, ['redis', 'ioredis'], "SESSION_TYPE 'redis' needs a Redis client", 'SESSION_REDIS_URL');
  const url = app.config.SESSION_REDIS_URL ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  return new OpenedStore('redis', async () => {
    const mod = await loader.load(driver);
    return driver === 'redis' ? connectNodeRedis(app, mod, url, build) : connectIORedis(app, mod, url, build);
  });
}

async function connectNodeRedis(app: App, mod: Module, url: string, build: Build): Promise<OpenedConnection> {
  const createClient = (mod.createClient ?? (mod.default as Module | undefined)?.createClient) as (options: object) => NodeRedisClient;
  // No offline queue: while Redis is away, commands fail at once (a 503) instead of piling up.
  const client = createClient({ url, disableOfflineQueue: true });
  reportErrors(app, client, 'redis');
  const settled = firstReadyOrError(client);
  // connect() stays pending while the client retries; the client reconnects by itself.
  client.connect().catch(() => {});
  await settled;
  return {
    store: build(client as never),
    async close() {
      if (!client.isOpen) return;
      if (!client.isReady) return client.destroy ? client.destroy() : void (await client.disconnect?.());
      await (client.close ? client.close() : client.quit?.());
    },
  };
}

async function connectIORedis(app: App, mod: Module, url: string, build: Build): Promise<OpenedConnection> {
  const Redis = (mod.Redis ?? mod.default) as Ctor;
  const client = new Redis(url, { enableOfflineQueue: false }) as IORedisClient;
  reportErrors(app, client, 'redis');
  await firstReadyOrError(client);
  return {
    store: build(client as never),
    async close() {
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    },
  };
}

/** SESSION_TYPE 'memcached': SESSION_MEMCACHED_SERVERS ('host:port', comma-separated), else 127.0.0.1:11211. */
export function openMemcached(app: App, build: Build, loader: DriverLoader): OpenedStore {
  const driver = requireDriver(loader, ['memcache-client'], "SESSION_TYPE 'memcached' needs a Memcached client", 'SESSION_MEMCACHED_SERVERS');
  const servers = (app.config.SESSION_MEMCACHED_SERVERS ?? DEFAULT_MEMCACHED_SERVERS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return new OpenedStore('memcached', async () => {
    const mod = await loader.load(driver);
    const MemcacheClient = (mod.MemcacheClient ?? (mod.default as Module | undefined)?.MemcacheClient) as Ctor;
    const server = servers.length === 1 ? servers[0] : { servers: servers.map((s) => ({ server: s, maxConnections: 1 })) };
    const client = new MemcacheClient({ server }) as { shutdown(): void };
    return { store: build(client as never), close: async () => client.shutdown() };
  });
}

/** SESSION_TYPE 'mongodb': SESSION_MONGODB_URL, else mongodb://127.0.0.1:27017. The driver connects on first use. */
export function openMongo(app: App, build: Build, loader: DriverLoader): OpenedStore {
  const driver = requireDriver(loader, ['mongodb'], "SESSION_TYPE 'mongodb' needs the MongoDB driver", 'SESSION_MONGODB_URL');
  const url = app.config.SESSION_MONGODB_URL ?? DEFAULT_MONGODB_URL;
  return new OpenedStore('mongodb', async () => {
    const mod = await loader.load(driver);
    const MongoClient = (mod.MongoClient ?? (mod.default as Module | undefined)?.MongoClient) as Ctor;
    // A request waits at most this long for a server before it answers 503 (the driver's default is 30 s).
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 }) as { close(): Promise<void> };
    return { store: build(client as never), close: () => client.close() };
  });
}

/** SESSION_TYPE 'sql': SESSION_SQL_URL through knex, with pg, mysql2 or better-sqlite3 by the URL's scheme. */
export function openSql(app: App, build: Build, loader: DriverLoader): OpenedStore {
  const url = app.config.SESSION_SQL_URL;
  if (url === null) {
    throw new ConfigError(
      "SESSION_TYPE 'sql' needs SESSION_SQL_URL (e.g. 'postgres://user@127.0.0.1:5432/app', 'mysql://root@127.0.0.1:3306/app' or 'sqlite:///sessions.db') or SESSION_SQL (a knex instance).",
      ['SESSION_SQL_URL'],
    );
  }
  const config = knexConfig(url);
  requireDrivers(loader, ['knex', config.client], `SESSION_TYPE 'sql' needs knex and ${config.client} for a ${schemeOf(url)}// URL`, 'SESSION_SQL_URL');
  return new OpenedStore('sql', async () => {
    const mod = await loader.load('knex');
    const knex = (mod.default ?? mod.knex) as ((config: object) => { destroy(): Promise<void> });
    const db = knex(config);
    return { store: build(db as never), close: () => db.destroy() };
  });
}

/** The SQL URL schemes micro knows, and the knex client (driver package) for each. */
const SQL_DRIVERS: Record<string, string> = {
  'postgres:': 'pg',
  'postgresql:': 'pg',
  'mysql:': 'mysql2',
  'mariadb:': 'mysql2',
  'sqlite:': 'better-sqlite3',
};

/**
 * knex's config for a URL. SQLite URLs read as SQLAlchemy's: `sqlite:///sessions.db`
 * is relative to the working directory, `sqlite:////var/app/sessions.db` absolute,
 * `sqlite://` or `sqlite:///:memory:` in memory.
 */
export function knexConfig(url: string): { client: string; connection: unknown; useNullAsDefault?: boolean; pool?: object } {
  const scheme = schemeOf(url);
  const client = SQL_DRIVERS[scheme];
  if (client === undefined) {
    throw new ConfigError(
      `SESSION_SQL_URL must start with ${Object.keys(SQL_DRIVERS).join('//, ')}// (got a ${scheme || 'scheme-less'} URL).`,
      ['SESSION_SQL_URL'],
    );
  }
  if (client !== 'better-sqlite3') return { client, connection: url };
  const filename = url.replace(/^sqlite:\/\/\/?/i, '') || ':memory:';
  // A short busy timeout: better-sqlite3 waits for a lock synchronously (sqlite-busy.ts).
  return { client, connection: { filename }, useNullAsDefault: true, pool: { afterCreate: setSqliteBusyTimeout } };
}

function schemeOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase() ?? '';
}

/** Resolves on the first 'ready' (connected) or 'error' (not reachable now: the client keeps retrying). */
function firstReadyOrError(client: Emitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    client.on('ready', done);
    client.on('error', done);
  });
}

/** One log line per outage (the client retries on its own); without a listener an 'error' event would crash the process. */
function reportErrors(app: App, client: Emitter, store: string): void {
  let reported = false;
  client.on('error', (err) => {
    if (reported) return;
    reported = true;
    app.logger.warn(`[session] the '${store}' connection failed (retrying): ${err instanceof Error ? err.message : String(err)}`);
  });
  client.on('ready', () => {
    reported = false;
  });
}
