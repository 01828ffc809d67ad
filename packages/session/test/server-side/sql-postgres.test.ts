import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { runSqlSuite } from './sql.js';

const target = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(target.host, target.port));

describe.skipIf(!pg.available)('server-side sessions on a real PostgreSQL', () => {
  runSqlSuite('SqlStore (PostgreSQL)', 'pg', 'sql:postgres', () => ({ client: 'pg', connection: urls.postgres }));
});
