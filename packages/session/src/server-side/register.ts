/**
 * Registers SESSION_TYPE `memory`, `filesystem`, `redis`, `memcached`,
 * `mongodb` and `sql` with `sessions(app)`. Importing @micro/session runs it;
 * the store is built (and a missing client reported) when `sessions(app)` runs,
 * behind a circuit breaker (SESSION_BREAKER_THRESHOLD, SESSION_BREAKER_COOLDOWN).
 */
import { registerSessionType } from '../sessions.js';
import { breakerFromConfig } from './breaker-from-config.js';
import { createStore } from './create-store.js';
import { SERVER_SIDE_SESSION_TYPES } from './server-side-config.js';
import { ServerSideSessionInterface } from './server-side-session-interface.js';

for (const type of SERVER_SIDE_SESSION_TYPES) {
  registerSessionType(type, function serverSideSessions(app) {
    return new ServerSideSessionInterface(breakerFromConfig(app, createStore(type, app)));
  });
}
