import type { SessionChanges, SessionData, SessionStore } from '../stores/store.js';

/**
 * SESSION_KEY_PREFIX for stores that have no prefix option of their own (SQL,
 * MongoDB, filesystem): every id is stored as `prefix + id`, as Flask-Session
 * does, so apps sharing one table or directory keep their sessions apart.
 */
export class PrefixedStore implements SessionStore {
  readonly name: string;
  readonly cleanup?: () => Promise<number>;
  readonly close?: () => Promise<void>;

  constructor(
    readonly inner: SessionStore,
    readonly prefix: string,
  ) {
    this.name = inner.name;
    if (inner.cleanup) this.cleanup = () => inner.cleanup!();
    if (inner.close) this.close = () => inner.close!();
  }

  get(id: string): Promise<SessionData | null> {
    return this.inner.get(this.prefix + id);
  }

  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    return this.inner.set(this.prefix + id, data, ttlMs);
  }

  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    return this.inner.apply(this.prefix + id, changes, ttlMs);
  }

  destroy(id: string): Promise<void> {
    return this.inner.destroy(this.prefix + id);
  }

  touch(id: string, ttlMs: number): Promise<void> {
    return this.inner.touch(this.prefix + id, ttlMs);
  }
}
