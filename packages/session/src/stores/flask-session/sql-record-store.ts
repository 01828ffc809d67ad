/**
 * SQL in Flask-Session 0.8's layout (flask_session/sqlalchemy): its table
 * (SESSION_SQL_TABLE, Flask-Session's SESSION_SQLALCHEMY_TABLE, both 'sessions' by
 * default) with columns `id` (serial), `session_id` (`prefix + sid`, unique),
 * `data` (the msgpack blob) and `expiry` (a naive UTC DATETIME). micro creates the
 * table in that shape when it is missing, on PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * Expiry is written and compared in SQL as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff',
 * which is what SQLAlchemy stores on SQLite and what the others parse into their
 * DATETIME types, so no driver's local-time conversion is involved.
 *
 * `apply` is a compare-and-set on the blob: UPDATE … WHERE session_id = ? AND
 * data = <the bytes read>; no row updated means another writer (micro or Flask)
 * got in between, so read and merge again. Flask-Session's own save is a plain
 * read-then-write, so a micro change made during a Flask request is overwritten by it.
 */
import { DEFAULT_STORE_TIMEOUT_MS, StoreConflictError, StoreUnavailableError, withTimeout } from '../errors.js';
import { retryDelay } from '../retry-delay.js';
import { createTableIfMissing, dialectOf, isConnectionError, isUniqueViolation } from '../sql-store.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from '../store.js';
import { assertTtl, mergeChanges } from '../store.js';
import type { KnexLike } from '../knex-like.js';
import type { FlaskKnexLike } from './flask-knex-like.js';
import { decodeSessionBlob, encodeSessionBlob } from './session-blob.js';

export interface SqlRecordStoreOptions {
  /** A knex instance (pg, mysql2, better-sqlite3); never destroyed by the store. */
  knex: FlaskKnexLike;
  /** The Flask app's SESSION_SQLALCHEMY_TABLE. Default 'sessions'. */
  table?: string;
  /** SESSION_KEY_PREFIX, the same as the Flask app's. Default 'session:'. */
  prefix?: string;
  /** Create the table in Flask-Session's shape if it is missing. Default true. */
  createTable?: boolean;
  now?: Clock;
  /** A query with no answer after this many ms fails with StoreUnavailableError. Default 2000. */
  queryTimeoutMs?: number;
  /** Compare-and-set attempts per apply before StoreConflictError. Default 100. */
  maxRetries?: number;
  /** Told (without the id) when a record is not a Flask-Session record; it is then treated as absent. */
  onUnreadable?: (store: string) => void;
}

interface Row {
  data: Buffer | Uint8Array | null;
  live?: number | string | boolean;
}

/** A moment as SQLAlchemy writes a naive UTC datetime: 'YYYY-MM-DD HH:MM:SS.ffffff'. */
export function sqlUtcText(ms: number): string {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

export class SqlRecordStore implements SessionStore {
  readonly name: string;
  private readonly knex: FlaskKnexLike;
  private readonly table: string;
  private readonly prefix: string;
  private readonly createTable: boolean;
  private readonly now: Clock;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly onUnreadable: (store: string) => void;
  private ready: Promise<void> | undefined;

  constructor(options: SqlRecordStoreOptions) {
    this.knex = options.knex;
    this.table = options.table ?? 'sessions';
    this.prefix = options.prefix ?? 'session:';
    this.createTable = options.createTable ?? true;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.queryTimeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? 100;
    this.onUnreadable = options.onUnreadable ?? (() => {});
    this.name = `sql:${dialectOf(this.knex as unknown as KnexLike)}`;
  }

  async get(id: string): Promise<SessionData | null> {
    const now = sqlUtcText(this.now());
    const row = await this.query(() =>
      this.knex<Row>(this.table).select('data').where('session_id', this.prefix + id).andWhere('expiry', '>', now).first(),
    );
    return row?.data ? this.decode(row.data) : null;
  }

  async set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const values = { data: encodeSessionBlob(data), expiry: sqlUtcText(this.now() + ttlMs) };
    await this.query(() => this.knex(this.table).insert({ session_id: this.prefix + id, ...values }).onConflict('session_id').merge(values));
  }

  async apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const key = this.prefix + id;
    for (let attempt = 0; attempt < this.maxRetries; attempt++) {
      const now = this.now();
      const row = await this.query(() =>
        this.knex<Row>(this.table)
          .select('data', this.knex.raw('CASE WHEN expiry > ? THEN 1 ELSE 0 END AS live', [sqlUtcText(now)]))
          .where('session_id', key)
          .first(),
      );
      const old = row?.data ? Buffer.from(row.data) : null;
      // An expired row is replaced, not merged into (Flask-Session deletes it on read).
      const current = old && Number(row!.live) === 1 ? (this.decode(old) ?? {}) : {};
      const values = { data: encodeSessionBlob(mergeChanges(current, changes)), expiry: sqlUtcText(now + ttlMs) };
      if (row) {
        const match = old ? { session_id: key, data: old } : { session_id: key };
        const updated = await this.query(() => this.knex(this.table).where(match).update(values));
        if (Number(updated) === 1) return;
      } else {
        const inserted = await this.query(() => this.knex(this.table).insert({ session_id: key, ...values })).then(
          () => true,
          (err: unknown) => {
            if (isUniqueViolation(err)) return false; // another request created it first
            throw err;
          },
        );
        if (inserted) return;
      }
      await retryDelay(attempt);
    }
    throw new StoreConflictError(this.name, this.maxRetries);
  }

  async destroy(id: string): Promise<void> {
    await this.query(() => this.knex(this.table).where('session_id', this.prefix + id).delete());
  }

  async touch(id: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    const now = this.now();
    await this.query(() =>
      this.knex(this.table)
        .where('session_id', this.prefix + id)
        .andWhere('expiry', '>', sqlUtcText(now))
        .update({ expiry: sqlUtcText(now + ttlMs) }),
    );
  }

  /** Flask-Session's `_delete_expired_sessions`: rows whose expiry has passed. */
  async cleanup(): Promise<number> {
    return this.query(() => this.knex(this.table).where('expiry', '<=', sqlUtcText(this.now())).delete());
  }

  private decode(raw: Uint8Array): SessionData | null {
    const data = decodeSessionBlob(raw);
    if (data === null) this.onUnreadable(this.name);
    return data;
  }

  /** Flask-Session's table (create_session_model), if missing; safe when several processes race. */
  private ensureTable(): Promise<void> {
    if (!this.createTable) return Promise.resolve();
    this.ready ??= createTableIfMissing(() => this.knex.schema, this.table, (t) => {
      t.increments('id');
      t.string('session_id', 255).unique();
      t.binary('data');
      t.datetime('expiry', { useTz: false });
    }).catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async query<T>(run: () => PromiseLike<T>): Promise<T> {
    try {
      return await withTimeout(
        this.name,
        this.timeoutMs,
        (async () => {
          await this.ensureTable();
          return run();
        })(),
      );
    } catch (err) {
      if (err instanceof StoreUnavailableError || !isConnectionError(err)) throw err;
      throw new StoreUnavailableError(this.name, err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
}
