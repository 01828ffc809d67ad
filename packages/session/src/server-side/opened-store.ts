/**
 * A store over a connection micro opened itself (SESSION_TYPE with a URL or
 * the default one, no client passed in). The driver is imported and the
 * connection opened on the first request that needs the store, so commands
 * that load the app without serving it (`micro routes`) open nothing; a
 * failure to open answers that request 503 like any store outage, and the
 * next request tries again. `close()` closes the connection; `sessions(app)`
 * registers it with `app.onClose`, so it runs when the server closes.
 */
import { StoreUnavailableError } from '../stores/errors.js';
import type { SessionChanges, SessionData, SessionStore } from '../stores/store.js';

/** An opened store and how to close the connection under it. */
export interface OpenedConnection {
  readonly store: SessionStore;
  close(): Promise<void>;
}

export class OpenedStore implements SessionStore {
  private opening: Promise<OpenedConnection> | undefined;
  private closed = false;

  /** `open` imports the driver and connects; it runs at most once at a time. */
  constructor(
    readonly name: string,
    private readonly open: () => Promise<OpenedConnection>,
  ) {}

  get(id: string): Promise<SessionData | null> {
    return this.store().then((s) => s.get(id));
  }

  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    return this.store().then((s) => s.set(id, data, ttlMs));
  }

  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    return this.store().then((s) => s.apply(id, changes, ttlMs));
  }

  destroy(id: string): Promise<void> {
    return this.store().then((s) => s.destroy(id));
  }

  touch(id: string, ttlMs: number): Promise<void> {
    return this.store().then((s) => s.touch(id, ttlMs));
  }

  async cleanup(): Promise<number> {
    const store = await this.store();
    return store.cleanup ? store.cleanup() : 0;
  }

  /** Close the connection, if one was opened; later requests answer 503. */
  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    const connection = await opening?.catch(() => undefined);
    if (connection) {
      await connection.store.close?.();
      await connection.close();
    }
  }

  private store(): Promise<SessionStore> {
    if (this.closed) return Promise.reject(new StoreUnavailableError(this.name, 'the app was closed'));
    const opening = (this.opening ??= this.open());
    return opening.then(
      (connection) => connection.store,
      (err: unknown) => {
        if (this.opening === opening) this.opening = undefined; // try again on the next request
        if (err instanceof StoreUnavailableError) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        throw new StoreUnavailableError(this.name, `could not connect (${reason})`, { cause: err });
      },
    );
  }
}
