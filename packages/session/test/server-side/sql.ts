/** The HTTP suite on a SQL database through knex: a fresh table per run, dropped afterwards. */
import knexFactory, { type Knex } from 'knex';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { runServerSideSuite } from './suite.js';

export function runSqlSuite(label: string, dialect: string, storeName: string, config: () => Knex.Config): void {
  runServerSideSuite(
    label,
    async () => {
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
    },
    { storeName },
  );
}
