/**
 * A session too large for its store's per-session limit. Raised before
 * anything is written, so the stored session stays as it was; the session
 * layer answers 413 with one warning. Only the memory store has such a limit
 * (one huge session must not push every other session out of its byte bound).
 */
export class SessionTooLargeError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'SESSION_TOO_LARGE';
  /** HTTP status the session layer answers with. */
  readonly status = 413;
  /** The store's `name`, e.g. 'memory'. */
  readonly store: string;
  /** Size of the refused session, in bytes (its serialised form plus bookkeeping). */
  readonly bytes: number;
  /** The store's limit per session, in bytes. */
  readonly limit: number;

  constructor(store: string, bytes: number, limit: number, setting: string) {
    super(
      `A session of ${bytes} bytes exceeds the '${store}' store's limit of ${limit} bytes per session; it was not saved and the stored one is unchanged ` +
        `(the session id is left out: it is a credential). Keep large data out of the session, or raise ${setting}.`,
    );
    this.name = 'SessionTooLargeError';
    this.store = store;
    this.bytes = bytes;
    this.limit = limit;
  }
}
