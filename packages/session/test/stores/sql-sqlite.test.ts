import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { SqlStore } from '../../src/stores/sql-store.js';
import { runSqlContract, uniqueTable } from './sql-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'micro-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const config = () => ({ client: 'better-sqlite3', connection: { filename: join(dir, `s${n++}.db`) }, useNullAsDefault: true });

runSqlContract('SqlStore (SQLite, better-sqlite3)', config, 'sqlite');

describe('SqlStore (SQLite) schema', () => {
  it('creates the table with an index on expires_at, and stores hashed ids only', async () => {
    const knex = knexFactory(config());
    const table = uniqueTable('sqlite');
    try {
      const store = new SqlStore({ knex, table });
      expect(store.name).toBe('sql:sqlite');
      await store.set('visible-id', { a: 1 }, 60_000);
      const indexes = await knex.raw(`PRAGMA index_list('${table}')`);
      const names: string[] = [];
      for (const ix of indexes as { name: string }[]) {
        const cols = (await knex.raw(`PRAGMA index_info('${ix.name}')`)) as { name: string }[];
        names.push(...cols.map((c) => c.name));
      }
      expect(names).toContain('expires_at');
      const rows = await knex(table).select('id');
      expect(rows).toHaveLength(1);
      expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await knex.destroy();
    }
  });
});
