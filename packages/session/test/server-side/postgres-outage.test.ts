/**
 * The PostgreSQL connection is cut (a loopback proxy in front of the real
 * server drops every connection and refuses new ones): requests answer 503
 * with one log line and no cookie; once the path is back, so is the session.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { startTcpProxy, type TcpProxy } from '../stores/tcp-proxy.js';
import { serverSideApp } from './app.js';
import { runOutageScenario } from './outage.js';

const target = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(target.host, target.port));

describe.skipIf(!pg.available)('server-side sessions when the PostgreSQL connection is cut', () => {
  let proxy: TcpProxy;
  let knex: Knex;
  const table = uniqueTable('ss_pg_outage');
  beforeAll(async () => {
    proxy = await startTcpProxy(target.host, target.port);
    const url = new URL(urls.postgres);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    knex = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 4 }, acquireConnectionTimeout: 1000 });
  });
  afterAll(async () => {
    await proxy?.up();
    await knex?.schema.dropTableIfExists(table).catch(() => {});
    await knex?.destroy();
    await proxy?.close();
  });

  it('answers 503 while cut, keeps cookie and row, and serves the same session once reconnected', async () => {
    await runOutageScenario({
      app: serverSideApp((a) => {
        a.config.SESSION_TYPE = 'sql';
        a.config.SESSION_SQL = knex;
        a.config.SESSION_SQL_TABLE = table;
      }),
      storeName: 'sql:postgres',
      cut: () => proxy.down(),
      restore: () => proxy.up(),
    });
  });
});
