import type { App } from './app.js';
import type { Request } from './request.js';
import type { Response } from './response.js';

/**
 * Your session's shape. Augment it to type `session.get('username')` everywhere:
 *
 * ```ts
 * declare module '@micro/core' {
 *   interface SessionData { username?: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

type Key<T> = keyof T & string;

/**
 * The dict-like session object as core sees it. `@micro/session` provides the
 * implementation; core only needs these members to wire the request lifecycle.
 */
export interface SessionLike<T extends object = SessionData> extends Iterable<[string, unknown]> {
  get<K extends Key<T>>(key: K): T[K] | undefined;
  get<K extends Key<T>>(key: K, defaultValue: NonNullable<T[K]>): NonNullable<T[K]>;
  get(key: string, defaultValue?: unknown): unknown;
  set<K extends Key<T>>(key: K, value: T[K]): this;
  set(key: string, value: unknown): this;
  has(key: string): boolean;
  delete(key: string): boolean;
  pop<K extends Key<T>>(key: K, defaultValue?: T[K]): T[K] | undefined;
  setdefault<K extends Key<T>>(key: K, defaultValue: T[K]): T[K];
  clear(): void;
  keys(): IterableIterator<string>;
  values(): IterableIterator<unknown>;
  entries(): IterableIterator<[string, unknown]>;
  readonly size: number;
  /** Kept for PERMANENT_SESSION_LIFETIME rather than until the browser closes. */
  permanent: boolean;
  /** True when the session was created for this request (no valid cookie came in). */
  readonly isNew: boolean;
  /** True when the data changed; a nested change counts too. */
  modified: boolean;
  /** True once the data was read or written; adds `Vary: Cookie`. */
  accessed: boolean;
}

/**
 * How the app loads and stores sessions (Flask's `SessionInterface`). Core calls
 * `openSession` before the first before-request hook and `saveSession` after
 * the last after-request hook. Either may be synchronous: a cookie session needs
 * no I/O, and a synchronous interface keeps the request off the promise path.
 */
export interface SessionInterface<S extends SessionLike<any> = SessionLike<any>> {
  /** Load the session for this request, or return null to use the null session. */
  openSession(app: App, request: Request): S | null | Promise<S | null>;
  /** Write the session into the response (cookie) and/or its store. */
  saveSession(app: App, session: S, response: Response): void | Promise<void>;
  /** The stand-in used when `openSession` returns null (e.g. no secret key). */
  makeNullSession(app: App): S;
  /** True for the stand-in: core skips `saveSession` for it. */
  isNullSession(session: S): boolean;
  /**
   * Optional, and it marks `openSession` as synchronous. Core then opens the
   * session on its first use (most requests of a typical app never touch it),
   * and for a request that never used it calls this instead of `saveSession`:
   * e.g. to refresh a permanent session's cookie, as Flask does on every request.
   */
  saveUnopened?(app: App, request: Request, response: Response): void;
}
