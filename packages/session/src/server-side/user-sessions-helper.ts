/**
 * `userSessions`: the per-user session API of the current app, for views. It
 * forwards to `ServerSideSessionInterface.listForUser`, `revoke` and
 * `revokeAllForUser` with the current app and session, so a "your devices"
 * page reads:
 *
 * ```ts
 * app.get('/devices', async () => render(await userSessions.listForUser(session.get('userId')!)));
 * app.post('/devices/revoke-others', async () => {
 *   await userSessions.revokeAllForUser(session.get('userId')!, { except: serverSession });
 *   return redirect('/devices');
 * });
 * ```
 */
import { currentApp, session as coreSession } from '@micro/core';
import type { ServerSideSession } from './server-side-session.js';
import { ServerSideSessionInterface } from './server-side-session-interface.js';
import { sessionIdHash } from './user-session-index.js';
import type { UserSessionInfo } from './user-sessions.js';

export interface UserSessionsHelper {
  /** The user's live sessions, most recently seen first; the current request's one has `current: true`. */
  listForUser(userId: string | number): Promise<UserSessionInfo[]>;
  /** End one session of the user (by the `idHash` listForUser reported); false when there is none. Ending the current one logs this request out too. */
  revoke(userId: string | number, idHash: string): Promise<boolean>;
  /** End every session of the user, except `except` (a session or an id hash). Returns how many were ended. */
  revokeAllForUser(userId: string | number, options?: { except?: { readonly sid: string } | string | null }): Promise<number>;
}

export const userSessions: UserSessionsHelper = {
  listForUser(userId) {
    return serverSideInterface().listForUser(currentApp, userId, { current: currentSession() });
  },
  async revoke(userId, idHash) {
    const revoked = await serverSideInterface().revoke(currentApp, userId, idHash);
    const current = currentSession();
    // Its record is gone; destroy() keeps this request's save from writing it back.
    if (revoked && current !== null && sessionIdHash(current.sid) === idHash) current.destroy();
    return revoked;
  },
  revokeAllForUser(userId, options = {}) {
    return serverSideInterface().revokeAllForUser(currentApp, userId, options);
  },
};

function serverSideInterface(): ServerSideSessionInterface {
  const si = currentApp.sessionInterface;
  if (!(si instanceof ServerSideSessionInterface)) {
    throw new TypeError(
      'userSessions needs server-side sessions: set SESSION_TYPE to memory, filesystem, redis, memcached, mongodb or sql ' +
        'before calling sessions(app). Cookie sessions keep nothing to list or revoke; see SESSION_VALID_AFTER.',
    );
  }
  return si;
}

/** The request's session when there is a request and it is server-side, else null. */
function currentSession(): ServerSideSession | null {
  try {
    const s: unknown = Reflect.get(coreSession, 'sid') === undefined ? null : coreSession;
    return s as ServerSideSession | null;
  } catch {
    return null; // outside a request (a CLI command, a job): no current session
  }
}
