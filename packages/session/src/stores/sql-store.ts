import { createHash } from 'node:crypto';
import type { KnexLike } from './knex-like.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';
import { assertTtl, mergeChanges } from './store.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer, toText } from './serializers.js';
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError, StoreUnavailableError, withTimeout } from './errors.js';
import { retryDelay } from './retry-delay.js';
import { logSafeReason } from './log-safe-reason.js';
import { checkSqliteBusyTimeout, isSqliteBusy } from './sqlite-busy.js';
import { recordConflictMerged } from '../telemetry/session-telemetry.js';

export interface SqlStoreOptions {
  /** A knex instance for PostgreSQL (pg), MySQL/MariaDB (mysql2) or SQLite (better-sqlite3). The store never destroys it. */
  knex: KnexLike;
  /** SESSION_SQL_TABLE: table name. Default 'sessions'. */
  table?: string;
  /** Create the table (and its expiry index) on first use if it is missing. Default true. */
  createTable?: boolean;
  /** Record encoding; stored as text (binary encodings as base64). Default JSON. */
  serializer?: Serializer;
  /** Clock for expiry, in ms since the epoch. Default Date.now. */
  now?: Clock;
  /** A query with no answer after this many ms fails with StoreUnavailableError. Default 2000. */
  queryTimeoutMs?: number;
  /** Compare-and-set attempts per apply before StoreConflictError. Default 100. */
  maxRetries?: number;
  /** Where a warning goes, e.g. a SQLite busy timeout that blocks the process. Default `process.emitWarning`. */
  onWarning?: (message: string) => void;
}

interface Row {
  data: string;
  expires_at: number | string;
  version: number | string;
}

/**
 * Sessions in one SQL table: id (SHA-256 of the session id), data (text),
 * expires_at (ms), version. `apply` is optimistic: read the row and its version,
 * merge, then UPDATE … WHERE version = read version; zero rows updated means
 * another writer got in between, so re-read and retry. No locks are held across
 * round trips, nothing can deadlock, and it behaves the same on every dialect.
 */
export class SqlStore implements SessionStore {
  readonly name: string;
  private readonly knex: KnexLike;
  private readonly table: string;
  private readonly createTable: boolean;
  private readonly serializer: Serializer;
  private readonly now: Clock;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly dialect: 'postgres' | 'mysql' | 'sqlite' | 'other';
  private ready: Promise<void> | undefined;
  private readonly onWarning: (message: string) => void;
  private busyTimeoutChecked = false;

  constructor(options: SqlStoreOptions) {
    this.knex = options.knex;
    this.table = options.table ?? 'sessions';
    this.createTable = options.createTable ?? true;
    this.serializer = options.serializer ?? jsonSerializer;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.queryTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 100;
    this.dialect = dialectOf(this.knex);
    this.name = `sql:${this.dialect}`;
    this.onWarning = options.onWarning ?? ((message) => process.emitWarning(message, 'MicroSessionWarning'));
  }

  async get(id: string): Promise<SessionData | null> {
    const row = await this.query('get', () =>
      this.knex<Row>(this.table).select('data').where('id', key(id)).andWhere('expires_at', '>', this.now()).first(),
    );
    return row ? this.decode(row.data) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const row = { id: key(id), data: this.encode(data), expires_at: this.now() + ttlMs, version: 1 };
    // The version bump makes a concurrent apply's compare-and-set fail and re-read.
    await this.query('set', () =>
      this.knex(this.table)
        .insert(row)
        .onConflict('id')
        .merge({ data: row.data, expires_at: row.expires_at, version: this.knex.raw('?? + 1', [`${this.table}.version`]) }),
    );
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const k = key(id);
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const row = await this.query('apply', () => this.knex<Row>(this.table).select('data', 'expires_at', 'version').where('id', k).first());
      const now = this.now();
      const current = row && Number(row.expires_at) > now ? this.decode(row.data) : {};
      const data = this.encode(mergeChanges(current, changes));
      const expiresAt = now + ttlMs;
      if (row) {
        const updated = await this.query('apply', () =>
          this.knex(this.table)
            .where({ id: k, version: row.version })
            .update({ data, expires_at: expiresAt, version: Number(row.version) + 1 }),
        );
        if (updated === 1) return;
      } else {
        const inserted = await this.query('apply', () => this.knex(this.table).insert({ id: k, data, expires_at: expiresAt, version: 1 })).then(
          () => true,
          (err: unknown) => {
            if (isUniqueViolation(err)) return false; // another request created it first
            throw err;
          },
        );
        if (inserted) return;
      }
      recordConflictMerged(this.name); // another writer got in first: read again and merge
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    await this.query('destroy', () => this.knex(this.table).where('id', key(id)).delete());
  }

  /** One UPDATE of expires_at; an expired or unknown session is left alone. */
  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const now = this.now();
    await this.query('touch', () =>
      this.knex(this.table).where('id', key(id)).andWhere('expires_at', '>', now).update({ expires_at: now + ttlMs }),
    );
  }

  /** Delete expired rows (uses the expires_at index). Run it from a timer or cron. */
  async cleanup(): Promise<number> {
    return this.query('cleanup', () => this.knex(this.table).where('expires_at', '<=', this.now()).delete());
  }

  private encode(data: SessionData): string {
    return toText(this.serializer.encode(data));
  }

  private decode(raw: string): SessionData {
    return this.serializer.decode(raw) as SessionData;
  }

  /** Create the table once per store; safe when several processes race to do it. */
  private ensureTable(): Promise<void> {
    if (!this.createTable) return Promise.resolve();
    this.ready ??= createTableIfMissing(() => this.knex.schema, this.table, (t) => {
      if (this.dialect === 'mysql') t.charset('utf8mb4');
      t.string('id', 64).primary(); // hex SHA-256: fixed length, no collation surprises
      t.text('data', 'longtext').notNullable(); // 'longtext' only matters on MySQL (TEXT caps at 64 KiB)
      t.bigInteger('expires_at').notNullable().index(`${this.table.replace(/\W/g, '_')}_expires_at_idx`);
      t.bigInteger('version').notNullable().defaultTo(1);
    }).catch((err: unknown) => {
      this.ready = undefined; // retry on the next call, e.g. after an outage
      throw err;
    });
    return this.ready;
  }

  /**
   * Run one statement with the store's timeout. A locked SQLite database is
   * retried on the event loop (each attempt's synchronous busy wait is short,
   * see sqlite-busy.ts) until the timeout; the last attempt starts before it.
   * Errors name the store, the operation and the driver's code, never the
   * statement: knex puts it in the message with every value inlined.
   */
  private async query<T>(op: string, run: () => PromiseLike<T>): Promise<T> {
    const deadline = performance.now() + this.timeoutMs;
    if (this.dialect === 'sqlite' && !this.busyTimeoutChecked) {
      this.busyTimeoutChecked = true;
      void checkSqliteBusyTimeout(this.knex, this.name, this.onWarning);
    }
    const attempt = async (): Promise<T> => {
      for (let n = 0; ; n++) {
        try {
          await this.ensureTable();
          return await run();
        } catch (err) {
          if (!isSqliteBusy(err) || performance.now() + busyRetryCapMs(n) >= deadline) throw err;
          await retryDelay(n, 5, busyRetryCapMs(n));
        }
      }
    };
    try {
      return await withTimeout(this.name, this.timeoutMs, attempt());
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      const reason = `${op} failed (${logSafeReason(err)})`;
      if (isConnectionError(err) || isSqliteBusy(err)) throw new StoreUnavailableError(this.name, reason);
      // Not an outage (a bug, a schema mismatch): passed on, with the code for callers and no statement for the logs.
      throw Object.assign(new Error(`Session store '${this.name}': ${reason}.`), { code: errCode(err) || undefined });
    }
  }
}

/** Waits between SQLite lock retries: full jitter up to 5, 10, 20… ms, at most 100. */
function busyRetryCapMs(attempt: number): number {
  return Math.min(100, 5 * 2 ** Math.min(attempt, 5));
}

/** Hash ids so a leaked table holds no usable session ids, and every id fits a CHAR(64). */
function key(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * CREATE TABLE unless the table exists; safe when several processes race to do it.
 * `schema` is called for each statement: a knex schema builder collects every
 * statement made on it and runs them all when awaited, so each needs a fresh one.
 */
export async function createTableIfMissing<Builder>(
  schema: () => { hasTable(table: string): Promise<boolean>; createTable(table: string, build: (table: Builder) => void): PromiseLike<unknown> },
  table: string,
  build: (table: Builder) => void,
): Promise<void> {
  if (await schema().hasTable(table)) return;
  try {
    await schema().createTable(table, build);
  } catch (err) {
    if (!(await schema().hasTable(table))) throw err; // lost the race only if it now exists
  }
}

export function dialectOf(knex: KnexLike): 'postgres' | 'mysql' | 'sqlite' | 'other' {
  const client = knex.client.config.client;
  const name = typeof client === 'string' ? client : String((client as { prototype?: { dialect?: string } })?.prototype?.dialect ?? '');
  if (/^(pg|postgres|postgresql|pgnative|cockroachdb)$/.test(name)) return 'postgres';
  if (/^(mysql|mysql2|mariadb)$/.test(name)) return 'mysql';
  if (/sqlite/.test(name)) return 'sqlite';
  return 'other';
}

function errCode(err: unknown): string {
  const e = err as { code?: unknown; errno?: unknown } | null;
  return String(e?.code ?? '');
}

export function isUniqueViolation(err: unknown): boolean {
  const code = errCode(err);
  return code === '23505' || code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_ACCESS_DENIED_ERROR',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY',
]);

/** Errors meaning "the database can't be reached or can't serve now", as opposed to a bad query. */
export function isConnectionError(err: unknown): boolean {
  const code = errCode(err);
  // SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57P operator intervention (e.g. pg_terminate_backend).
  if (/^(08|53|57P)/.test(code)) return true;
  if (CONNECTION_CODES.has(code)) return true;
  const e = err as Error | null;
  if (e?.name === 'KnexTimeoutError' || e?.name === 'TimeoutError') return true;
  return /Connection terminated|connection error|Connection is closed|Connection lost|Pool (is )?destroyed|Unable to acquire a connection|read ECONNRESET|closed the connection|The server closed/i.test(
    e?.message ?? '',
  );
}
