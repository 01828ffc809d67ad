// tests/test_db.py
import type Database from 'better-sqlite3';
import { describe, expect, vi } from 'vitest';
import { getDb } from '../src/db.js';
import { it } from './conftest.js';

describe('test_db', () => {
  it('test_get_close_db', ({ app }) => {
    let db: Database.Database | undefined;
    app.appContext(() => {
      db = getDb();
      expect(db).toBe(getDb());
    });

    // sqlite3.ProgrammingError "Cannot operate on a closed database." in Python;
    // better-sqlite3 throws a TypeError "The database connection is not open".
    expect(db!.open).toBe(false);
    expect(() => db!.prepare('SELECT 1')).toThrow(/not open/);
  });

  // The tutorial replaces init_db with a recorder (monkeypatch) and runs the command
  // through Click's CliRunner. An ES module's exports cannot be replaced, so this runs
  // the registered command as `micro init-db` does (in an app context) against the
  // test's database, and checks that init_db ran by its effect: the tables are new.
  it('test_init_db_command', async ({ app }) => {
    const count = () => app.appContext(() => getDb().prepare('SELECT COUNT(*) FROM post').pluck().get());
    expect(count()).toBe(1);

    const output: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    try {
      const command = app.cli.commands.get('init-db')!;
      await app.appContext(() => command.handler({}, {}));
    } finally {
      log.mockRestore();
    }
    expect(output.join('\n')).toContain('Initialized');
    expect(count()).toBe(0);
  });
});
