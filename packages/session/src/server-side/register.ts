/**
 * Registers SESSION_TYPE `memory`, `filesystem`, `redis`, `memcached`,
 * `mongodb` and `sql` with `sessions(app)`. Importing @micro/session runs it;
 * the store is built (and a missing client reported) when `sessions(app)` runs.
 */
import { registerSessionType } from '../sessions.js';
import { createStore } from './create-store.js';
import { SERVER_SIDE_SESSION_TYPES } from './server-side-config.js';
import { ServerSideSessionInterface } from './server-side-session-interface.js';

for (const type of SERVER_SIDE_SESSION_TYPES) {
  registerSessionType(type, function serverSideSessions(app) {
    return new ServerSideSessionInterface(createStore(type, app));
  });
}
