import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/stores/errors.js';
import { SqlStore } from '../../src/stores/sql-store.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from './services.js';
import { runSqlContract, uniqueTable } from './sql-fixtures.js';
import { eventually, runSqlOutage, viaProxy } from './sql-outage.js';

const target = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(target.host, target.port));
const config = () => ({ client: 'pg', connection: urls.postgres });

describe.skipIf(!pg.available)('SqlStore on a real PostgreSQL', () => {
  runSqlContract('SqlStore (PostgreSQL, pg)', config, 'pg');

  runSqlOutage('SqlStore (PostgreSQL)', 'pg', target, (port) => ({ client: 'pg', connection: viaProxy(urls.postgres, port) }));

  describe('SqlStore (PostgreSQL): backends killed with pg_terminate_backend', () => {
    // Tag the store's connections so only they are killed, never another test's.
    const tag = `micro_term_${uniqueSuffix()}`;
    const knex = knexFactory({ client: 'pg', connection: { connectionString: urls.postgres, application_name: tag }, pool: { min: 0, max: 4 } });
    const admin = knexFactory({ ...config(), pool: { min: 0, max: 1 } });
    const table = uniqueTable('pgterm');
    const store = new SqlStore({ knex, table, queryTimeoutMs: 10_000 });
    beforeAll(async () => {
      await store.set('s', { a: 1 }, 60_000);
    });
    afterAll(async () => {
      await knex.schema.dropTableIfExists(table);
      await knex.destroy();
      await admin.destroy();
    });

    it('maps a connection killed mid-query to StoreUnavailableError, keeps the data, and recovers', async () => {
      const waitingBackends = async (trx: Knex.Transaction) =>
        Number((await trx.raw(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'`, [tag])).rows[0].n);
      // Hold a lock so the store's write is in flight (blocked) when its backend dies.
      const killed = await admin.transaction(async (trx) => {
        await trx.raw('LOCK TABLE ?? IN ACCESS EXCLUSIVE MODE', [table]);
        const pending = store.apply('s', { set: { lost: true }, delete: [] }, 60_000).then(() => null, (e: unknown) => e);
        for (let i = 0; i < 200 && (await waitingBackends(trx)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(await waitingBackends(trx)).toBeGreaterThan(0);
        await trx.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?`, [tag]);
        return pending;
      });
      expect(killed).toBeInstanceOf(StoreUnavailableError);

      // Idle pooled connections may be dead too: a call fails as unavailable or succeeds on a fresh one.
      for (let i = 0; i < 5; i++) {
        const outcome = await store.get('s').then((v) => v, (e: unknown) => e);
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(StoreUnavailableError);
        else expect(outcome).toEqual({ a: 1 });
      }
      await eventually(() => store.apply('s', { set: { b: 2 }, delete: [] }, 60_000));
      expect(await store.get('s')).toEqual({ a: 1, b: 2 });
    });
  });
});
