/** SESSION_TYPE 'sql' from SESSION_SQL_URL alone: knex with pg, mysql2 or better-sqlite3 by the URL's scheme. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { knexConfig } from '../../src/server-side/connect.js';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { COOKIE, login, serverSideApp } from './app.js';

const pgTarget = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(pgTarget.host, pgTarget.port));
const myTarget = hostPort(urls.mysql, 3306);
const mysql = await checkService('MySQL/MariaDB', urls.mysql, () => probeTcp(myTarget.host, myTarget.port));

describe('knexConfig', () => {
  it('maps URL schemes to knex clients; sqlite URLs read as SQLAlchemy', () => {
    expect(knexConfig('postgres://u@h/db')).toEqual({ client: 'pg', connection: 'postgres://u@h/db' });
    expect(knexConfig('postgresql://u@h/db').client).toBe('pg');
    expect(knexConfig('mysql://root@h/db')).toEqual({ client: 'mysql2', connection: 'mysql://root@h/db' });
    expect(knexConfig('mariadb://root@h/db').client).toBe('mysql2');
    expect(knexConfig('sqlite:///sessions.db').connection).toEqual({ filename: 'sessions.db' });
    expect(knexConfig('sqlite:////var/app/sessions.db').connection).toEqual({ filename: '/var/app/sessions.db' });
    expect(knexConfig('sqlite://').connection).toEqual({ filename: ':memory:' });
    expect(knexConfig('sqlite:///:memory:').connection).toEqual({ filename: ':memory:' });
  });
});

/** Log in and read back through an app configured by SESSION_SQL_URL only; returns the app and the session id. */
async function loginThrough(url: string, table: string) {
  const app = serverSideApp((a) => {
    a.config.SESSION_TYPE = 'sql';
    a.config.SESSION_SQL_URL = url;
    a.config.SESSION_SQL_TABLE = table;
  });
  const c = app.testClient();
  const sid = await login(c);
  expect((await c.get('/')).text).toBe('alice');
  return { app, sid };
}

describe.skipIf(!pg.available)('SESSION_SQL_URL postgres://', () => {
  const table = uniqueTable('cfg_pg');
  const admin = knexFactory({ client: 'pg', connection: urls.postgres });
  afterAll(async () => {
    await admin.schema.dropTableIfExists(table);
    await admin.destroy();
  });

  it('logs in and reads back; the pool micro opened is closed with the app', async () => {
    const name = `micro_cfg_${uniqueSuffix()}`;
    const url = new URL(urls.postgres);
    url.searchParams.set('application_name', name);
    const connections = async () =>
      Number((await admin.raw('select count(*) as n from pg_stat_activity where application_name = ?', [name])).rows[0].n);
    const { app } = await loginThrough(url.toString(), table);
    expect(await admin(table).count({ n: '*' })).toEqual([{ n: '1' }]);
    expect(await connections()).toBeGreaterThan(0);
    await app.close();
    // A backend leaves pg_stat_activity as its process exits, just after the socket closes.
    await vi.waitFor(async () => expect(await connections()).toBe(0), { timeout: 5_000, interval: 20 });
  });
});

describe.skipIf(!mysql.available)('SESSION_SQL_URL mysql://', () => {
  const table = uniqueTable('cfg_my');
  const admin = knexFactory({ client: 'mysql2', connection: urls.mysql });
  afterAll(async () => {
    await admin.schema.dropTableIfExists(table);
    await admin.destroy();
  });

  it('logs in and reads back', async () => {
    const { app } = await loginThrough(urls.mysql, table);
    expect(await admin(table).count({ n: '*' })).toEqual([{ n: 1 }]);
    await app.close();
  });
});

describe('SESSION_SQL_URL sqlite:///', () => {
  const dir = mkdtempSync(join(tmpdir(), 'micro-sqlite-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs in and reads back from the file; a second app on the same file sees the session', async () => {
    const file = join(dir, 'sessions.db');
    const url = `sqlite:///${file}`; // an absolute path: sqlite:////tmp/…
    const first = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'sql';
      a.config.SESSION_SQL_URL = url;
    });
    const c = first.testClient();
    await login(c);
    const cookie = `${COOKIE}=${c.cookies.get(COOKIE)}`;
    await first.close();
    const reader = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    expect(await reader('sessions').count({ n: '*' })).toEqual([{ n: 1 }]);
    await reader.destroy();
    const second = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'sql';
      a.config.SESSION_SQL_URL = url;
    });
    expect((await second.testClient().get('/', { headers: { cookie } })).text).toBe('alice');
    await second.close();
  });
});
