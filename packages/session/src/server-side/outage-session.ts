/**
 * SESSION_OUTAGE_READONLY: what a request gets instead of a 503 while the store
 * cannot be read. The session is empty (the stored data is out of reach, so a
 * logged-in user looks logged out) and can never be changed: a write throws the
 * 503 the request would have got, so the view stops there, and the interface
 * never saves it. The stored session and the client's cookie stay as they were.
 *
 * Read-only (`readable`): reads see the empty session. Otherwise a read throws
 * the 503 as well, so only views that never touch the session are served.
 */
import { ServiceUnavailable, type SessionData } from '@micro/core';
import { ServerSideSession } from './server-side-session.js';

/**
 * What a request gets while its session cannot be read: `'fail'` a 503 before
 * any hook or view runs; `'fail-on-use'` a session that answers 503 on first use,
 * so views that never touch it are served; `'read-only'` an empty session that
 * answers 503 on a write.
 */
type Key<T> = keyof T & string;

export type OutageMode = 'fail' | 'fail-on-use' | 'read-only';

export class OutageSession<T extends object = SessionData> extends ServerSideSession<T> {
  /** True: the store could not be read, so this session is empty and cannot be changed. */
  readonly storeUnavailable = true;

  /** `failure` is the 503 the request would have answered; a refused use throws its like. */
  constructor(
    sid: string,
    private readonly failure: ServiceUnavailable,
    readonly readable: boolean,
  ) {
    super(sid, null, { isNew: false });
  }

  // --- reads: the empty session, or a 503 when not readable ----------------
  // `values()`, iteration and the `permanent` getter read through these.

  override get<K extends Key<T>>(key: K): T[K] | undefined;
  override get<K extends Key<T>>(key: K, defaultValue: NonNullable<T[K]>): NonNullable<T[K]>;
  override get(key: string, defaultValue?: unknown): unknown;
  override get(key: string, defaultValue?: unknown): unknown {
    this.checkRead();
    return super.get(key, defaultValue);
  }

  override has(key: string): boolean {
    this.checkRead();
    return super.has(key);
  }

  override keys(): IterableIterator<string> {
    this.checkRead();
    return super.keys();
  }

  override entries(): IterableIterator<[string, unknown]> {
    this.checkRead();
    return super.entries();
  }

  override get size(): number {
    this.checkRead();
    return super.size;
  }

  override toMap(): ReadonlyMap<string, unknown> {
    this.checkRead();
    return super.toMap();
  }

  override toObject(): Record<string, unknown> {
    this.checkRead();
    return super.toObject();
  }

  // `delete` and `pop` tell whether a key was there: reads, and no-ops on an empty session.
  override delete(key: string): boolean {
    this.checkRead();
    return super.delete(key);
  }

  override pop<K extends Key<T>>(key: K, defaultValue?: T[K]): T[K] | undefined;
  override pop(key: string, defaultValue?: unknown): unknown;
  override pop(key: string, defaultValue?: unknown): unknown {
    this.checkRead();
    return super.pop(key, defaultValue);
  }

  // --- writes: always a 503 (`setdefault` and the `permanent` setter write through `set`) ---

  override set(..._args: unknown[]): never {
    throw this.refusal('changed');
  }

  override clear(): never {
    throw this.refusal('changed');
  }

  override regenerate(): never {
    throw this.refusal('changed');
  }

  override destroy(): never {
    throw this.refusal('changed');
  }

  /** The 503 for a refused use; also thrown when saving finds `modified` set by hand. */
  refusal(what: 'read' | 'changed'): ServiceUnavailable {
    return new ServiceUnavailable(`The session store is unavailable, so the session cannot be ${what}. Please try again in a moment.`, {
      headers: this.failure.headers,
      cause: this.failure.cause,
    });
  }

  private checkRead(): void {
    if (!this.readable) throw this.refusal('read');
  }
}

/** RFC 9110 §9.2.1's safe methods: the ones SESSION_OUTAGE_READONLY serves read-only. (TRACE never reaches a view.) */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
