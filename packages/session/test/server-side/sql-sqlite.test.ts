import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runSqlSuite } from './sql.js';

const dir = mkdtempSync(join(tmpdir(), 'micro-ss-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runSqlSuite('SqlStore (SQLite, better-sqlite3)', 'sqlite', 'sql:sqlite', () => ({
  client: 'better-sqlite3',
  connection: { filename: join(dir, 'sessions.db') },
  useNullAsDefault: true,
}));
