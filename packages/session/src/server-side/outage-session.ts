/**
 * SESSION_OUTAGE_READONLY: what a reading request gets while the store cannot
 * be read. It is empty (the stored data is out of reach, so a logged-in user
 * looks logged out) and read-only: a write throws the 503 the request would
 * have got, so the view stops there, and the interface never saves it. The
 * stored session and the client's cookie stay as they were.
 */
import { ServiceUnavailable, type SessionData } from '@micro/core';
import { ServerSideSession } from './server-side-session.js';

export class OutageSession<T extends object = SessionData> extends ServerSideSession<T> {
  /** True: the store could not be read, so this session is empty and cannot be changed. */
  readonly storeUnavailable = true;

  /** `failure` is the 503 the request would have answered; a write throws its like. */
  constructor(
    sid: string,
    private readonly failure: ServiceUnavailable,
  ) {
    super(sid, null, { isNew: false });
  }

  // `setdefault` and the `permanent` setter write through `set`. Deleting from an
  // empty session changes nothing, so `delete` and `pop` are left as they are.
  override set(..._args: unknown[]): never {
    throw this.refusal();
  }

  override clear(): never {
    throw this.refusal();
  }

  override regenerate(): never {
    throw this.refusal();
  }

  override destroy(): never {
    throw this.refusal();
  }

  /** The 503 for a change, e.g. `session.modified = true` set by hand, found when saving. */
  refusal(): ServiceUnavailable {
    return new ServiceUnavailable('The session store is unavailable, so the session cannot be changed. Please try again in a moment.', {
      headers: this.failure.headers,
      cause: this.failure.cause,
    });
  }
}

/** RFC 9110 §9.2.1's safe methods: the ones SESSION_OUTAGE_READONLY serves. (TRACE never reaches a view.) */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
