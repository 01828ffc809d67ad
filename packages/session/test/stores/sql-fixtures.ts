/** Shared setup for the SqlStore tests: one knex per dialect, a unique table per run. */
import knexFactory, { type Knex } from 'knex';
import { runStoreContract } from './contract.js';
import { SqlStore } from '../../src/stores/sql-store.js';
import { uniqueSuffix } from './services.js';

export function uniqueTable(dialect: string): string {
  return `micro_sess_${dialect}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** The contract on a fresh table; the table is dropped and the pool destroyed after. */
export function runSqlContract(label: string, config: () => Knex.Config, dialect: string): void {
  runStoreContract(label, {
    async create(serializer) {
      const knex = knexFactory(config());
      const table = uniqueTable(dialect);
      let now = 1_700_000_000_000;
      const store = new SqlStore({ knex, table, serializer, now: () => now });
      return {
        store,
        advance: (ms) => (now += ms),
        teardown: async () => {
          await knex.schema.dropTableIfExists(table);
          await knex.destroy();
        },
      };
    },
  });
}
