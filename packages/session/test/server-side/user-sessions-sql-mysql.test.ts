import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { runSqlUserSessionsSuite } from './user-sessions-sql.js';

const target = hostPort(urls.mysql, 3306);
const mysql = await checkService('MariaDB/MySQL', urls.mysql, () => probeTcp(target.host, target.port));

describe.skipIf(!mysql.available)('every session of a user on a real MariaDB/MySQL', () => {
  runSqlUserSessionsSuite('SqlStore (MariaDB, mysql2)', 'mysql', () => ({ client: 'mysql2', connection: urls.mysql }));
});
