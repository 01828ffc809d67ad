/**
 * The HTTP suite and the every-session-of-a-user suite on a SQL database
 * through knex: a fresh table per suite, dropped afterwards.
 */
import knexFactory, { type Knex } from 'knex';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { runServerSideSuite, type ServerSideHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

export function runSqlSuite(label: string, dialect: string, storeName: string, config: () => Knex.Config): void {
  const harness = async (): Promise<ServerSideHarness> => {
    const knex = knexFactory(config());
    const table = uniqueTable(`ss_${dialect}`);
    return {
      type: 'sql',
      configure(app) {
        app.config.SESSION_SQL = knex;
        app.config.SESSION_SQL_TABLE = table;
      },
      async teardown() {
        await knex.schema.dropTableIfExists(table);
        await knex.destroy();
      },
    };
  };
  runServerSideSuite(label, harness, { storeName });
  runUserSessionsSuite(label, harness);
}
