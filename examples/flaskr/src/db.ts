/**
 * flaskr/db.py: one SQLite connection per app context, kept on `g` and
 * closed when the context ends; the schema; the `init-db` command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { currentApp, g, type App, type AppContext } from '@micro/core';

declare module '@micro/core' {
  interface G {
    db?: Database.Database;
  }
}

/**
 * Connect to the application's configured database. The connection is unique
 * for each request and will be reused if this is called again.
 */
export function getDb(): Database.Database {
  if (g.db === undefined) {
    const db = new Database(String(currentApp.config.DATABASE));
    // better-sqlite3 turns foreign keys on; Python's sqlite3 (the tutorial's) leaves
    // them off, and schema.sql drops `user` before `post`, which they would refuse.
    db.pragma('foreign_keys = OFF');
    g.db = db;
  }
  return g.db;
}

/** If this app context connected to the database, close the connection. */
export function closeDb(_error: unknown, ctx: AppContext): void {
  const db = ctx.g.db;
  delete ctx.g.db;
  db?.close();
}

/** Clear existing data and create new tables. */
export function initDb(): void {
  // Flask's current_app.open_resource('schema.sql'): a file of the app's root folder.
  getDb().exec(readFileSync(join(currentApp.rootPath, 'schema.sql'), 'utf8'));
}

/**
 * The rows of `stmt`, with columns declared TIMESTAMP as Dates: the
 * tutorial connects with `detect_types=sqlite3.PARSE_DECLTYPES` and registers
 * a "timestamp" converter, so `post['created']` is a datetime. SQLite's
 * CURRENT_TIMESTAMP is UTC, written without a zone.
 */
export function withDeclTypes<T extends object>(stmt: Statement, rows: T[]): T[] {
  const timestamps = stmt
    .columns()
    .filter((c) => c.type?.toUpperCase() === 'TIMESTAMP')
    .map((c) => c.name);
  if (timestamps.length === 0) return rows;
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const name of timestamps) if (typeof r[name] === 'string') r[name] = parseTimestamp(r[name]);
  }
  return rows;
}

function parseTimestamp(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'}`);
}

/** Register database functions with the app. This is called by the application factory. */
export function initApp(app: App): void {
  app.teardownAppcontext(closeDb);
  app.cli.command('init-db', { description: 'Clear existing data and create new tables.' }, function initDbCommand() {
    initDb();
    console.log('Initialized the database.');
  });
}
