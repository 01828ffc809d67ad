/**
 * SQLite's busy wait, kept off the event loop. better-sqlite3 runs queries on
 * the main thread, and while another connection holds a lock SQLite's busy
 * handler sleeps synchronously for up to the connection's busy timeout
 * (better-sqlite3's default: 5000 ms): every request and timer of the process
 * waits with it (issue 18). Connections micro opens get a short busy timeout
 * instead, and SqlStore retries SQLITE_BUSY on the event loop until its query
 * timeout, so a locked database costs a session request at most its timeout
 * and the rest of the app nothing.
 */
import type { KnexLike } from './knex-like.js';

/** The busy timeout micro sets on SQLite connections it opens, in ms: one short synchronous wait per attempt. */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

/** A longer busy timeout on a knex instance passed in is reported once: each locked query stops the process that long. */
export const SQLITE_BUSY_TIMEOUT_WARN_MS = 100;

/** The part of a better-sqlite3 Database that `setSqliteBusyTimeout` uses. */
export interface SqliteConnectionLike {
  pragma(source: string): unknown;
}

/**
 * knex's `pool.afterCreate` for better-sqlite3: every new connection gets the
 * short busy timeout, e.g. `knex({ client: 'better-sqlite3', connection, pool: { afterCreate: setSqliteBusyTimeout } })`.
 */
export function setSqliteBusyTimeout(connection: SqliteConnectionLike, done: (err: Error | null, connection: unknown) => void): void {
  try {
    connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    done(null, connection);
  } catch (err) {
    done(err instanceof Error ? err : new Error(String(err)), connection);
  }
}

/** SQLITE_BUSY or SQLITE_LOCKED (and their extended codes): another connection holds the lock; worth retrying. */
export function isSqliteBusy(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/**
 * The busy timeout of the connection a query gets from `knex` (SQLite only),
 * or null when it cannot be read. knex's SQLite pool holds one connection by
 * default, so this is the one the store's queries use.
 */
export async function sqliteBusyTimeoutOf(knex: KnexLike): Promise<number | null> {
  const rows = (await knex.raw('PRAGMA busy_timeout', [])) as unknown;
  const first = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  const value = Number(first?.timeout ?? first?.busy_timeout);
  return Number.isFinite(value) ? value : null;
}

/** The warning for a busy timeout that blocks the process, or null when it is short enough. */
export function busyTimeoutWarning(store: string, busyTimeoutMs: number | null): string | null {
  if (busyTimeoutMs === null || busyTimeoutMs <= SQLITE_BUSY_TIMEOUT_WARN_MS) return null;
  return (
    `[session] the '${store}' store's SQLite connection has a busy timeout of ${busyTimeoutMs} ms: ` +
    `while another connection holds a lock, each query stops the whole process that long. ` +
    `Set a short one when you create knex, e.g. pool: { afterCreate: setSqliteBusyTimeout } (${SQLITE_BUSY_TIMEOUT_MS} ms); ` +
    `the store retries a locked database without blocking.`
  );
}

/** Read the busy timeout of `knex`'s connection and report it through `warn` when it blocks the process; never throws. */
export async function checkSqliteBusyTimeout(knex: KnexLike, store: string, warn: (message: string) => void): Promise<void> {
  const timeout = await sqliteBusyTimeoutOf(knex).catch(() => null);
  const warning = busyTimeoutWarning(store, timeout);
  if (warning !== null) warn(warning);
}
