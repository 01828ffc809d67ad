/** Every session of a user on a SQL database through knex: a fresh table per run, dropped afterwards. */
import knexFactory, { type Knex } from 'knex';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

export function runSqlUserSessionsSuite(label: string, dialect: string, config: () => Knex.Config): void {
  runUserSessionsSuite(label, async () => {
    const knex = knexFactory(config());
    const table = uniqueTable(`us_${dialect}`);
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
  });
}
