/**
 * SESSION_ABSOLUTE_LIFETIME on server-side sessions, on the memory store, a
 * real Redis and real SQL databases, under a fake clock (`Date` only: the
 * limit, the cookie jar and the stores' own expiry all read it; Redis counts
 * its TTLs on its own clock, so there the limit alone ends the session).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, AppTestClient } from '@micro/core';
import knexFactory, { type Knex } from 'knex';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATED_KEY } from '../../src/index.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { COOKIE, login, serverSideApp, sidOf, type TestApp } from './app.js';
import { tick, useFakeDate } from '../helpers.js';

const START = Date.UTC(2026, 0, 1, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LIMITS = { PERMANENT_SESSION_LIFETIME: 30 * 60, SESSION_ABSOLUTE_LIFETIME: 3600 }; // idle 30 min, absolute 1 h

const redisTarget = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(redisTarget.host, redisTarget.port));
const pgTarget = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(pgTarget.host, pgTarget.port));
const mysqlTarget = hostPort(urls.mysql, 3306);
const mysql = await checkService('MariaDB/MySQL', urls.mysql, () => probeTcp(mysqlTarget.host, mysqlTarget.port));

interface Backend {
  name: string;
  available: boolean;
  /** Opens what the runs share (a client, a table); returns the config keys that select it. */
  open(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
  /** Milliseconds the backend itself will still keep the record, where it can tell. */
  serverTtlMs?(sid: string): Promise<number>;
  /** Expires records on its own clock (Redis): not the fake one, so a record outlives the fake hour there. */
  ownClock?: boolean;
}

const prefix = `test:abs:${uniqueSuffix()}:`;
const sqliteDir = mkdtempSync(join(tmpdir(), 'micro-abs-sqlite-'));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));

function sqlBackend(name: string, available: boolean, dialect: string, config: () => Knex.Config): Backend {
  let knex: Knex | undefined;
  const table = uniqueTable(`abs_${dialect}`);
  return {
    name,
    available,
    async open() {
      knex = knexFactory(config());
      return { SESSION_TYPE: 'sql', SESSION_SQL: knex, SESSION_SQL_TABLE: table };
    },
    async close() {
      await knex?.schema.dropTableIfExists(table);
      await knex?.destroy();
    },
  };
}

const redisClient = createClient({ url: urls.redis, disableOfflineQueue: true });
redisClient.on('error', () => {});

const backends: Backend[] = [
  { name: 'memory', available: true, open: async () => ({ SESSION_TYPE: 'memory' }), close: async () => {} },
  {
    name: 'Redis',
    available: redis.available,
    async open() {
      await redisClient.connect();
      return { SESSION_TYPE: 'redis', SESSION_REDIS: redisClient };
    },
    async close() {
      for (const key of await redisClient.keys(`${prefix}*`)) await redisClient.del(key);
      await redisClient.quit();
    },
    serverTtlMs: (sid) => redisClient.pTTL(`${prefix}${sid}`),
    ownClock: true,
  },
  sqlBackend('SQLite', true, 'sqlite', () => ({ client: 'better-sqlite3', connection: { filename: join(sqliteDir, 'sessions.db') }, useNullAsDefault: true })),
  sqlBackend('PostgreSQL', pg.available, 'pg', () => ({ client: 'pg', connection: urls.postgres })),
  sqlBackend('MariaDB', mysql.available, 'mysql', () => ({ client: 'mysql2', connection: urls.mysql })),
];

useFakeDate(START);

/** An active user: one request a minute for `minutes` minutes (each extends the idle limit). */
async function browse(client: AppTestClient, minutes: number, onEach?: (minute: number) => void | Promise<void>): Promise<void> {
  for (let minute = 1; minute <= minutes; minute++) {
    tick(MINUTE);
    const r = await client.get('/');
    if (r.text !== 'alice') throw new Error(`logged out after ${minute} of ${minutes} minutes`);
    await onEach?.(minute);
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`SESSION_ABSOLUTE_LIFETIME on server-side sessions (${backend.name})`, () => {
    let storeConfig: Record<string, unknown>;
    beforeAll(async () => {
      storeConfig = await backend.open();
    });
    afterAll(async () => {
      await backend.close();
    });
    const makeApp = (config: Record<string, unknown> = {}): TestApp =>
      serverSideApp((app: App) => Object.assign(app.config, storeConfig, { SESSION_KEY_PREFIX: prefix }), { ...LIMITS, ...config });

    it('ends a session an hour after login with a request every minute; store TTL and cookie never reach past it', async () => {
      const app = makeApp();
      const client = app.testClient();
      const sid = await login(client);
      expect(await app.store.inner.get(sid)).toEqual({ _permanent: true, username: 'alice', [CREATED_KEY]: START / 1000 });
      expect((await client.get('/data')).json()).toEqual({ _permanent: true, username: 'alice' });

      let last = '';
      await browse(client, 59, async (minute) => {
        const left = (60 - minute) * MINUTE;
        const touch = app.store.calls.findLast((c) => c.op === 'touch')!;
        expect(touch.ttlMs, `minute ${minute}`).toBe(Math.min(30 * MINUTE, left));
        if (minute === 45 && backend.serverTtlMs) {
          const ttl = await backend.serverTtlMs(sid);
          expect(ttl).toBeGreaterThan(0);
          expect(ttl).toBeLessThanOrEqual(15 * MINUTE);
        }
        last = client.cookies.get(COOKIE)!;
      });
      tick(MINUTE);
      // The jar dropped the cookie at its Expires (the limit); a copy sent anyway gets a fresh, empty session.
      expect(client.cookies.get(COOKIE)).toBeUndefined();
      const replay = app.testClient();
      replay.cookies.set(COOKIE, last);
      app.store.reset();
      expect((await replay.get('/')).text).toBe('anonymous');
      // Its TTL ended with the limit, so the store dropped it; Redis, on its own clock, still has it,
      // and a record found past its limit is destroyed at once.
      expect(app.store.ops).toEqual(backend.ownClock ? ['get', 'destroy'] : ['get']);
      expect(await app.store.inner.get(sid)).toBeNull();
    });

    it('destroys a record found past the limit (here: the limit was lowered after it was saved)', async () => {
      const app = makeApp({ SESSION_ABSOLUTE_LIFETIME: 8 * 3600 });
      const client = app.testClient();
      const sid = await login(client);
      await browse(client, 25);
      app.config.SESSION_ABSOLUTE_LIFETIME = 20 * 60;
      app.store.reset();
      expect((await client.get('/')).text).toBe('anonymous');
      expect(app.store.ops).toEqual(['get', 'destroy']);
      expect(await app.store.inner.get(sid)).toBeNull();
      // The stale cookie names nothing now; the next login starts afresh under a new id.
      const fresh = await login(client);
      expect(fresh).not.toBe(sid);
      expect(await app.store.inner.get(fresh)).toMatchObject({ [CREATED_KEY]: (START + 25 * MINUTE) / 1000 });
    });

    it('regenerate() on login restarts the limit under the new id', async () => {
      const app = makeApp();
      const client = app.testClient();
      const first = await login(client);
      await browse(client, 50);
      const second = await login(client);
      expect(second).not.toBe(first);
      expect(await app.store.inner.get(first)).toBeNull();
      expect(await app.store.inner.get(second)).toEqual({ _permanent: true, username: 'alice', [CREATED_KEY]: (START + 50 * MINUTE) / 1000 });
      await browse(client, 59);
      tick(MINUTE);
      expect((await client.get('/')).text).toBe('anonymous');
    });

    it('keeps _created for itself: an app writing that key cannot move it; a session written after destroy() starts anew', async () => {
      const app = makeApp();
      const client = app.testClient();
      const sid = await login(client);
      tick(10 * MINUTE);
      await client.post(`/set?key=${CREATED_KEY}&value=forever`);
      expect(await app.store.inner.get(sid)).toEqual({ _permanent: true, username: 'alice', [CREATED_KEY]: START / 1000 });
      tick(10 * MINUTE);
      await client.post('/logout-then-write');
      const fresh = sidOf(client)!;
      expect(fresh).not.toBe(sid);
      expect(await app.store.inner.get(fresh)).toEqual({ _permanent: true, after: 'destroy', [CREATED_KEY]: (START + 20 * MINUTE) / 1000 });
    });

    it('a session stored before the key was set gets its creation time on its next request', async () => {
      // Non-permanent, so a read neither touches nor re-sends the cookie: only the stamp writes.
      const app = makeApp({ SESSION_ABSOLUTE_LIFETIME: null, SESSION_PERMANENT: false, PERMANENT_SESSION_LIFETIME: 3 * 3600 });
      const client = app.testClient();
      const sid = await login(client);
      expect(await app.store.inner.get(sid)).toEqual({ username: 'alice' });

      tick(20 * MINUTE);
      app.config.SESSION_ABSOLUTE_LIFETIME = 3600; // deployed with the key
      app.store.reset();
      const r = await client.get('/');
      expect(r.text).toBe('alice');
      expect(r.headers.getSetCookie()).toEqual([]); // the cookie holds only the id: nothing to re-send
      expect(app.store.ops).toEqual(['get', 'apply']);
      expect(app.store.calls[1]!.changes).toEqual({ set: { [CREATED_KEY]: (START + 20 * MINUTE) / 1000 }, delete: [] });
      expect(await app.store.inner.get(sid)).toEqual({ username: 'alice', [CREATED_KEY]: (START + 20 * MINUTE) / 1000 });
      app.store.reset();
      tick(MINUTE);
      expect((await client.get('/')).text).toBe('alice');
      expect(app.store.ops).toEqual(['get']); // once only

      // Its idle limit is longer here: the absolute one ends it an hour after it got its time.
      tick(HOUR - MINUTE);
      expect((await client.get('/')).text).toBe('anonymous');
    });

    it('an app without the key stores no creation time, and its store TTL is the idle limit alone', async () => {
      const app = makeApp({ SESSION_ABSOLUTE_LIFETIME: null });
      const client = app.testClient();
      const sid = await login(client);
      await browse(client, 90, (minute) => {
        expect(app.store.calls.findLast((c) => c.op === 'touch')!.ttlMs, `minute ${minute}`).toBe(30 * MINUTE);
      });
      expect(await app.store.inner.get(sid)).toEqual({ _permanent: true, username: 'alice' });
    });
  });
}
