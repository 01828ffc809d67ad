/**
 * The current request's session typed as a `ServerSideSession`, for
 * `serverSession.regenerate()`, `serverSession.destroy()` and `serverSession.sid`.
 * Everything else behaves as `session`. Using those three with a cookie
 * SESSION_TYPE throws a how-to instead of "is not a function".
 */
import { session as coreSession, type SessionData } from '@micro/core';
import type { ServerSideSession } from './server-side-session.js';

const SERVER_SIDE_ONLY = new Set<PropertyKey>(['regenerate', 'destroy', 'sid']);

export const serverSession: ServerSideSession<SessionData> = new Proxy(Object.create(null) as ServerSideSession<SessionData>, {
  get(_, prop) {
    const value: unknown = Reflect.get(coreSession, prop);
    if (value === undefined && SERVER_SIDE_ONLY.has(prop)) {
      throw new TypeError(
        `serverSession.${String(prop)} needs a server-side session: set SESSION_TYPE to memory, filesystem, redis, ` +
          'memcached, mongodb or sql before calling sessions(app). Cookie sessions have no id to regenerate; use session.clear() to log out.',
      );
    }
    return value;
  },
  set(_, prop, value) {
    return Reflect.set(coreSession, prop, value);
  },
  has(_, prop) {
    return Reflect.has(coreSession, prop);
  },
});
