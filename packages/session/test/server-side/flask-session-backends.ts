/**
 * The real backends of the SESSION_RECORD_FORMAT='flask-session' tests, each with
 * raw access that bypasses micro: plant a record where and as Flask-Session puts
 * it, and read back the raw bytes micro wrote. Also used by
 * scripts/dev/flask-session-micro-writes.ts to hand micro's records to real Flask.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '@micro/core';
import knexFactory, { type Knex } from 'knex';
import { createClient } from 'redis';
import { cachelibFileName } from '../../src/stores/flask-session/cachelib-file.js';
import { sqlUtcText } from '../../src/stores/flask-session/sql-record-store.js';
import { MemcachedTextClient } from '../../src/stores/flask-session/memcached-text-client.js';
import { startMemcached, type LocalServer } from '../stores/local-servers.js';
import { uniqueSuffix, urls } from '../stores/services.js';

export type BackendName = 'redis' | 'memcached' | 'filesystem' | 'sql:sqlite' | 'sql:postgres' | 'sql:mysql';
export const BACKENDS: BackendName[] = ['redis', 'memcached', 'filesystem', 'sql:sqlite', 'sql:postgres', 'sql:mysql'];

/** What micro writes in the live check (and the tests, to compare with what Flask verified), before its flash. */
export function microWrites(backend: BackendName): Record<string, unknown> {
  return {
    user_id: 7,
    name: 'Zo\u00eb \u2713 from micro',
    big: 2 ** 40,
    neg: -3,
    ratio: 0.5,
    admin: false,
    nothing: null,
    roles: ['a', 'b'],
    prefs: { theme: 'light', sizes: [4, 5] },
    raw: new Uint8Array([0, 1, 254, 255]),
    // A Date is a msgpack timestamp (an aware datetime in Python); the filesystem format keeps plain data only.
    ...(backend === 'filesystem' ? {} : { when: new Date('2024-05-06T07:08:09.123Z') }),
  };
}

export interface RawRecord {
  /** The stored bytes: the msgpack blob, or the whole cachelib file. */
  value: Buffer;
  /** When the backend drops it, in ms since the epoch (0 = never). */
  expiresAtMs: number;
}

export interface Backend {
  readonly name: BackendName;
  /** Where Flask must look, for the dev script: a directory, a SQLite file, a table, a memcached port. */
  readonly where: Record<string, string | number>;
  configure(app: App): void;
  /** Store `value` under `key` exactly as Flask-Session would, live for `ttlS` seconds (filesystem: `value` is the pickled dict). */
  plant(key: string, value: Buffer, ttlS: number): Promise<void>;
  raw(key: string): Promise<RawRecord | null>;
  teardown(): Promise<void>;
}

export async function openBackend(name: BackendName): Promise<Backend> {
  if (name === 'redis') return redisBackend();
  if (name === 'memcached') return memcachedBackend();
  if (name === 'filesystem') return filesystemBackend();
  return sqlBackend(name);
}

async function redisBackend(): Promise<Backend> {
  const client = createClient({ url: urls.redis, disableOfflineQueue: true });
  await client.connect();
  const raw = client.withTypeMapping({ 36: Buffer });
  const keys = new Set<string>();
  return {
    name: 'redis',
    where: { url: urls.redis },
    configure(app) {
      app.config.SESSION_TYPE = 'redis';
      app.config.SESSION_REDIS = client;
    },
    async plant(key, value, ttlS) {
      keys.add(key);
      await client.set(key, value, { EX: ttlS }); // Flask-Session: client.set(name, value, ex=ttl)
    },
    async raw(key) {
      keys.add(key);
      const value = (await raw.get(key)) as unknown as Buffer | null;
      if (!value) return null;
      const pttl = await client.pTTL(key);
      return { value, expiresAtMs: pttl < 0 ? 0 : Date.now() + pttl };
    },
    async teardown() {
      if (keys.size) await client.del([...keys]);
      client.destroy();
    },
  };
}

async function memcachedBackend(): Promise<Backend> {
  const server: LocalServer = await startMemcached();
  const client = new MemcachedTextClient({ host: '127.0.0.1', port: server.port });
  return {
    name: 'memcached',
    where: { port: server.port },
    configure(app) {
      app.config.SESSION_TYPE = 'memcached';
      app.config.SESSION_MEMCACHED_SERVERS = `127.0.0.1:${server.port}`;
    },
    async plant(key, value, ttlS) {
      await client.store('set', key, value, ttlS);
    },
    async raw(key) {
      const hit = await client.gets(key);
      if (!hit) return null;
      if (hit.flags !== 0) throw new Error(`memcached flags ${hit.flags}, Flask-Session's clients need 0`);
      return { value: hit.value, expiresAtMs: NaN }; // memcached does not tell an item's expiry
    },
    async teardown() {
      client.close();
      await server.stop();
    },
  };
}

async function filesystemBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'micro-flask-files-'));
  const file = (key: string) => join(dir, cachelibFileName(key, 'sha256'));
  return {
    name: 'filesystem',
    where: { dir },
    configure(app) {
      app.config.SESSION_TYPE = 'filesystem';
      app.config.SESSION_FILE_DIR = dir;
    },
    async plant(key, pickled, ttlS) {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(Math.floor(Date.now() / 1000) + ttlS);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file(key), Buffer.concat([header, pickled]), { mode: 0o600 });
    },
    async raw(key) {
      try {
        const value = readFileSync(file(key));
        const expires = value.readUInt32LE(0);
        return { value, expiresAtMs: expires * 1000 };
      } catch {
        return null;
      }
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function sqlBackend(name: 'sql:sqlite' | 'sql:postgres' | 'sql:mysql'): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'micro-flask-sql-'));
  const sqliteFile = join(dir, 'sessions.db');
  const config: Knex.Config =
    name === 'sql:sqlite'
      ? { client: 'better-sqlite3', connection: { filename: sqliteFile }, useNullAsDefault: true }
      : name === 'sql:postgres'
        ? { client: 'pg', connection: urls.postgres }
        : { client: 'mysql2', connection: urls.mysql };
  const knex = knexFactory(config);
  const table = `fsfmt_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    name,
    where: name === 'sql:sqlite' ? { file: sqliteFile, table } : { table },
    configure(app) {
      app.config.SESSION_TYPE = 'sql';
      app.config.SESSION_SQL = knex;
      app.config.SESSION_SQL_TABLE = table;
    },
    async plant(key, value, ttlS) {
      // The table as Flask-Session's create_session_model makes it, if micro has not made it yet.
      if (!(await knex.schema.hasTable(table))) {
        await knex.schema.createTable(table, (t) => {
          t.increments('id');
          t.string('session_id', 255).unique();
          t.binary('data');
          t.datetime('expiry', { useTz: false });
        });
      }
      await knex(table).insert({ session_id: key, data: value, expiry: sqlUtcText(Date.now() + ttlS * 1000) });
    },
    async raw(key) {
      const row = await knex(table)
        .select('data', knex.raw(name === 'sql:postgres' ? 'CAST(expiry AS TEXT) AS expiry_text' : 'CAST(expiry AS CHAR) AS expiry_text'))
        .where('session_id', key)
        .first();
      if (!row) return null;
      const text = String(row.expiry_text);
      return { value: Buffer.from(row.data as Uint8Array), expiresAtMs: Date.parse(`${text.replace(' ', 'T')}Z`) };
    },
    async teardown() {
      await knex.schema.dropTableIfExists(table);
      await knex.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
