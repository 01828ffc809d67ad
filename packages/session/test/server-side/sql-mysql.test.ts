import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { runSqlSuite } from './sql.js';

const target = hostPort(urls.mysql, 3306);
const mysql = await checkService('MariaDB/MySQL', urls.mysql, () => probeTcp(target.host, target.port));

describe.skipIf(!mysql.available)('server-side sessions on a real MariaDB/MySQL', () => {
  runSqlSuite('SqlStore (MariaDB, mysql2)', 'mysql', 'sql:mysql', () => ({ client: 'mysql2', connection: urls.mysql }));
});
