import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runSqlUserSessionsSuite } from './user-sessions-sql.js';

const dir = mkdtempSync(join(tmpdir(), 'micro-us-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runSqlUserSessionsSuite('SqlStore (SQLite, better-sqlite3)', 'sqlite', () => ({
  client: 'better-sqlite3',
  connection: { filename: join(dir, 'sessions.db') },
  useNullAsDefault: true,
}));
