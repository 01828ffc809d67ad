/**
 * The connection to a real SQL server is cut (a loopback proxy in front of it
 * drops every connection and refuses new ones): requests answer 503 with one
 * log line and no cookie; once the path is back, so is the session.
 */
import { describe, it } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { knexThroughProxy, viaProxy } from '../stores/sql-outage.js';
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
    const path = knexThroughProxy(target, (port) => ({ client, connection: viaProxy(url, port) }), 'ss_sql_outage');

    it('answers 503 while cut, keeps cookie and row, and serves the same session once reconnected', async () => {
      await runOutageScenario({
        app: serverSideApp((a) => {
          a.config.SESSION_TYPE = 'sql';
          a.config.SESSION_SQL = path.knex;
          a.config.SESSION_SQL_TABLE = path.table;
        }),
        storeName,
        cut: () => path.proxy.down(),
        restore: () => path.proxy.up(),
      });
    });
  });
}
