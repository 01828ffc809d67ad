/**
 * Store errors. The session layer maps StoreUnavailableError to a 503 and never
 * overwrites the stored session after one: the request failed, the data did not.
 */

/** The backend could not be reached or did not answer in time. */
export class StoreUnavailableError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'SESSION_STORE_UNAVAILABLE';
  /** HTTP status the session layer answers with. */
  readonly status = 503;
  /** The store's `name`, e.g. 'redis'. */
  readonly store: string;

  constructor(store: string, message: string, options: { cause?: unknown } = {}) {
    super(`Session store '${store}' is unavailable: ${message}. Check that the server is running and reachable.`, {
      cause: options.cause,
    });
    this.name = 'StoreUnavailableError';
    this.store = store;
  }
}

/**
 * An optimistic write (CAS, version check, lock file) kept losing to other writers
 * until its retry budget ran out. Rare; raise `maxRetries` if it shows up in logs.
 */
export class StoreConflictError extends Error {
  readonly code = 'SESSION_STORE_CONFLICT';
  readonly status = 503;
  readonly store: string;

  constructor(store: string, attempts: number) {
    super(`Session store '${store}' could not apply changes to one session after ${attempts} attempts under contention (the session id is left out: it is a credential). Retry the request, or raise the store's maxRetries.`);
    this.name = 'StoreConflictError';
    this.store = store;
  }
}

/**
 * Reject with StoreUnavailableError when `promise` takes longer than `ms`.
 * One timer and one promise per command (no Promise.race, no AbortSignal): this
 * runs on every request of a server-side session.
 */
/** How long a store waits for its server before it counts the call as an outage (SESSION_STORE_TIMEOUT's default). */
export const DEFAULT_STORE_TIMEOUT_MS = 2000;

export function withTimeout<T>(store: string, ms: number, promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(store, `no answer within ${ms} ms`)), ms);
    // Both outcomes are handled here, so a late rejection never goes unhandled.
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
