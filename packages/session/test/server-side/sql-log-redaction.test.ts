/**
 * The SQL store's outage line names the store, the operation and the
 * driver's error, never the statement (issue 18): knex writes the failed
 * statement in front of the driver's message with every value inlined, here
 * an INSERT carrying the row key and the session's data. The connection is
 * killed on the real server while the INSERT waits for a table lock.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { ServerSideSessionInterface } from '../../src/server-side/index.js';
import { SqlStore } from '../../src/stores/sql-store.js';
import { login, serverSideApp } from './app.js';

interface Server {
  label: string;
  client: string;
  url: string;
  defaultPort: number;
  storeName: string;
  /** The app's connection string, tagged so the admin connection can find it. */
  appUrl(tag: string): string;
  lock(trx: Knex.Transaction, table: string): Promise<unknown>;
  unlock(trx: Knex.Transaction): Promise<unknown>;
  /** Server ids of the tagged connections whose statement waits for the lock. */
  waiting(admin: Knex, tag: string, table: string): Promise<number[]>;
  kill(admin: Knex, id: number): Promise<unknown>;
}

const servers: Server[] = [
  {
    label: 'PostgreSQL',
    client: 'pg',
    url: urls.postgres,
    defaultPort: 5432,
    storeName: 'sql:postgres',
    appUrl(tag) {
      const u = new URL(urls.postgres);
      u.searchParams.set('application_name', tag);
      return u.toString();
    },
    lock: (trx, table) => trx.raw('LOCK TABLE ?? IN ACCESS EXCLUSIVE MODE', [table]),
    unlock: () => Promise.resolve(),
    async waiting(admin, tag) {
      const r = await admin.raw("select pid from pg_stat_activity where application_name = ? and wait_event_type = 'Lock'", [tag]);
      return (r.rows as { pid: number }[]).map((row) => row.pid);
    },
    kill: (admin, pid) => admin.raw('select pg_terminate_backend(?)', [pid]),
  },
  {
    label: 'MariaDB/MySQL',
    client: 'mysql2',
    url: urls.mysql,
    defaultPort: 3306,
    storeName: 'sql:mysql',
    appUrl: () => urls.mysql,
    lock: (trx, table) => trx.raw('LOCK TABLES ?? WRITE', [table]),
    unlock: (trx) => trx.raw('UNLOCK TABLES'),
    async waiting(admin, _tag, table) {
      const [rows] = await admin.raw("select id from information_schema.processlist where info like 'insert into%' and info like ?", [`%${table}%`]);
      return (rows as { id: number }[]).map((row) => Number(row.id));
    },
    kill: (admin, id) => admin.raw(`KILL ${Number(id)}`),
  },
];

for (const server of servers) {
  const target = hostPort(server.url, server.defaultPort);
  const service = await checkService(server.label, server.url, () => probeTcp(target.host, target.port));

  describe.skipIf(!service.available)(`${server.label}: the outage log line`, () => {
    const tag = `micro_redact_${uniqueSuffix()}`;
    const table = uniqueTable('redact');
    const admin = knexFactory({ client: server.client, connection: server.url });
    const knex = knexFactory({ client: server.client, connection: server.appUrl(tag) });
    afterAll(async () => {
      await admin.schema.dropTableIfExists(table);
      await Promise.all([admin.destroy(), knex.destroy()]);
    });

    it('names the store, the operation and the error, never the statement, the row key or the data', async () => {
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'sql';
        a.config.SESSION_SQL = knex;
        a.config.SESSION_SQL_TABLE = table;
      });
      // A long query timeout: the INSERT must still be waiting when the test kills its connection, however loaded the machine.
      app.sessionInterface = new ServerSideSessionInterface(new SqlStore({ knex, table, queryTimeoutMs: 30_000 }));
      await login(app.testClient(), 'alice'); // creates the table

      const trx = await admin.transaction();
      try {
        await server.lock(trx, table);
        const before = app.logs.error.length;
        // A new visitor logs in: the INSERT of its session (key and data inlined in knex's message) waits for the lock.
        const pending = app.testClient().post('/login', { form: { username: 'secret-username' } });
        let ids: number[] = [];
        for (const deadline = Date.now() + 15_000; ids.length === 0 && Date.now() < deadline; ) {
          ids = await server.waiting(admin, tag, table);
          if (ids.length === 0) await sleep(10); // polling the server's own view until the INSERT is there
        }
        expect(ids).toHaveLength(1);
        await server.kill(admin, ids[0]!);
        const r = await pending;

        expect(r.status).toBe(503);
        const lines = app.logs.error.slice(before);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(`Session store '${server.storeName}' is unavailable: set failed (`);
        for (const leak of ['secret-username', table, /select|insert|update/i, /[0-9a-f]{64}/]) expect(lines[0]).not.toMatch(leak);
      } finally {
        await server.unlock(trx).catch(() => {});
        await trx.rollback().catch(() => {});
      }
    });
  });
}
