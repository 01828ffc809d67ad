import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { runSqlUserSessionsSuite } from './user-sessions-sql.js';

const target = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(target.host, target.port));

describe.skipIf(!pg.available)('every session of a user on a real PostgreSQL', () => {
  runSqlUserSessionsSuite('SqlStore (PostgreSQL)', 'pg', () => ({ client: 'pg', connection: urls.postgres }));
});
