/**
 * The connection to a real SQL server is cut (a loopback proxy in front of it
 * drops every connection and refuses new ones): requests answer 503 with one
 * log line and no cookie; once the path is back, so is the session.
 */
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { startTcpProxy, type TcpProxy } from '../stores/tcp-proxy.js';
import { serverSideApp } from './app.js';
import { runOutageScenario } from './outage.js';

const servers = [
  { label: 'PostgreSQL', url: urls.postgres, defaultPort: 5432, client: 'pg', storeName: 'sql:postgres' },
  { label: 'MariaDB/MySQL', url: urls.mysql, defaultPort: 3306, client: 'mysql2', storeName: 'sql:mysql' },
];

for (const { label, url, defaultPort, client, storeName } of servers) {
  const target = hostPort(url, defaultPort);
  const service = await checkService(label, url, () => probeTcp(target.host, target.port));

  describe.skipIf(!service.available)(`server-side sessions when the ${label} connection is cut`, () => {
    let proxy: TcpProxy;
    let knex: Knex;
    const table = uniqueTable('ss_sql_outage');
    beforeAll(async () => {
      proxy = await startTcpProxy(target.host, target.port);
      const viaProxy = new URL(url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      knex = knexFactory({ client, connection: viaProxy.toString(), pool: { min: 0, max: 4 }, acquireConnectionTimeout: 1000 });
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
        storeName,
        cut: () => proxy.down(),
        restore: () => proxy.up(),
      });
    });
  });
}
