/**
 * The contract every server-side session store implements. The session layer
 * only talks to this interface, so backends are interchangeable and share one
 * test suite (test/stores/contract.ts).
 */

/** A session's contents: top-level keys map to serialisable values. */
export type SessionData = Record<string, unknown>;

/** What one request changed: keys written and keys removed (top level only). */
export interface SessionChanges {
  set: Record<string, unknown>;
  delete: string[];
}

export interface SessionStore {
  /** Short backend name for log lines and errors: 'redis', 'memcached', 'sql:postgres'… */
  readonly name: string;
  /** The stored session, or null when unknown or expired (an expired record is never returned). */
  get(id: string): Promise<SessionData | null>;
  /** Replace the whole record and set its lifetime. */
  set(id: string, data: SessionData, ttlMs: number): Promise<void>;
  /**
   * Merge `changes` into the record atomically and reset its lifetime. Concurrent
   * applies that touch different keys all survive; on the same key the last
   * writer wins. A missing (or expired) record is created from the changes.
   */
  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void>;
  /** Delete the record; a no-op for unknown ids. */
  destroy(id: string): Promise<void>;
  /** Extend the lifetime with the backend's cheapest operation; a no-op for unknown ids. */
  touch(id: string, ttlMs: number): Promise<void>;
  /** Stores without native expiry: delete expired records and return how many. */
  cleanup?(): Promise<number>;
  /** Release timers and connections the store opened itself (never a client passed in). */
  close?(): Promise<void>;
}

/** A clock in milliseconds since the epoch; stores take one so tests can move time. */
export type Clock = () => number;

/** Merge changes into a copy of `data`: deletes first, then sets (a key in both ends up set). */
export function mergeChanges(data: SessionData, changes: SessionChanges): SessionData {
  const out: SessionData = { ...data };
  for (const key of changes.delete) delete out[key];
  for (const [key, value] of Object.entries(changes.set)) setOwn(out, key, value);
  return out;
}

/**
 * Assign as an own property. Plain `obj[key] = v` with key '__proto__' would
 * change the prototype instead of storing the value (prototype pollution).
 */
export function setOwn(target: SessionData, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reject a lifetime no backend can honour, before anything is written. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`Session TTL must be a positive number of milliseconds, got ${ttlMs}.`);
  }
}
