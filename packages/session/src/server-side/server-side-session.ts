/**
 * A session whose data lives in a store and whose cookie holds only its id.
 * Adds Flask-Session's `sid` plus `regenerate()` and `destroy()`; both only
 * mark the session, and `ServerSideSessionInterface.saveSession` does the
 * store work once, before the response goes out.
 */
import type { SessionData } from '@micro/core';
import { PERMANENT_KEY, Session } from '../session.js';
import { USER_BINDING_KEY, userBindingOf, type UserBinding } from '../user-binding.js';

export interface ServerSideSessionOptions {
  /** True when no stored session matched the request's cookie. */
  isNew: boolean;
}

export class ServerSideSession<T extends object = SessionData> extends Session<T> {
  private currentId: string;
  private regenerateRequested = false;
  private destroyRequested = false;
  /** The user the stored record was bound to when it was opened (`bindUser`), so saving can keep the user's index in step. */
  readonly boundUserAtOpen: UserBinding | null;

  constructor(sid: string, data: Record<string, unknown> | null, options: ServerSideSessionOptions) {
    super(data ?? {}, { isNew: options.isNew });
    this.currentId = sid;
    this.boundUserAtOpen = options.isNew ? null : userBindingOf(data?.[USER_BINDING_KEY]);
  }

  /** The session id (a credential: never log it). Changes when a regenerated session is saved. */
  get sid(): string {
    return this.currentId;
  }

  /**
   * Give the session a new id when it is saved, keeping its data, and delete
   * the record under the old id. Call it on login (and on any change of
   * privilege) so an id planted before login is worthless after it.
   */
  override regenerate(): void {
    this.createdAt = undefined; // a login starts a new session: SESSION_ABSOLUTE_LIFETIME counts from here
    this.regenerateRequested = true;
    this.modified = true;
    this.accessed = true;
  }

  /**
   * Delete the stored session and its cookie when the response is saved (logout).
   * The session is empty from here on; anything written after this starts a
   * new session under a new id. Whether it is permanent is kept.
   */
  override destroy(): void {
    const permanent = this.data.get(PERMANENT_KEY);
    this.clear();
    this.createdAt = undefined;
    // Keep the flag without counting it as data: a destroyed session stays empty.
    if (permanent !== undefined) this.data.set(PERMANENT_KEY, permanent);
    this.destroyRequested = true;
  }

  /** True once `regenerate()` was called and the session is not saved yet. */
  get regeneratePending(): boolean {
    return this.regenerateRequested;
  }

  /** True once `destroy()` was called and the session is not saved yet. */
  get destroyPending(): boolean {
    return this.destroyRequested;
  }

  /** True when the session holds nothing but the permanent flag: such a session is never stored. */
  isEmpty(): boolean {
    const data = this.toMap();
    return data.size === 0 || (data.size === 1 && data.has(PERMANENT_KEY));
  }

  /** @internal The interface moves the session to its new id after saving it there. */
  moveTo(sid: string): void {
    this.currentId = sid;
    this.regenerateRequested = false;
    this.destroyRequested = false;
  }
}
