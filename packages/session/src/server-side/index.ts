// Server-side sessions (SESSION_TYPE memory, filesystem, redis, memcached, mongodb, sql). Only re-exports.
import './register.js';

export { ServerSideSessionInterface } from './server-side-session-interface.js';
export { ServerSideSession, type ServerSideSessionOptions } from './server-side-session.js';
export { serverSession } from './server-session.js';
export { createStore, serializerFor, DEFAULT_SESSION_FILE_DIR } from './create-store.js';
export { PrefixedStore } from './prefixed-store.js';
export {
  SESSION_ID_SIGNER,
  generateSessionId,
  isWellFormedSessionId,
  sessionIdCookieValue,
  sessionIdFromCookie,
} from './session-id.js';
export {
  SERVER_SIDE_SESSION_TYPES,
  type ServerSideSessionType,
  type SessionSerializationFormat,
} from './server-side-config.js';
export type { MongoClientLike } from './mongo-client-like.js';
