import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from './services.js';
import { runSqlContract } from './sql-fixtures.js';
import { runSqlOutage, viaProxy } from './sql-outage.js';

const target = hostPort(urls.mysql, 3306);
const mysql = await checkService('MariaDB/MySQL', urls.mysql, () => probeTcp(target.host, target.port));
const config = () => ({ client: 'mysql2', connection: urls.mysql });

describe.skipIf(!mysql.available)('SqlStore on a real MariaDB/MySQL', () => {
  runSqlContract('SqlStore (MariaDB, mysql2)', config, 'mysql');

  runSqlOutage('SqlStore (MariaDB)', 'mysql', target, (port) => ({ client: 'mysql2', connection: viaProxy(urls.mysql, port) }));
});
