// Server-side sessions (SESSION_TYPE memory, filesystem, redis, memcached, mongodb, sql). Only re-exports.
import './register.js';

export { ServerSideSessionInterface } from './server-side-session-interface.js';
export { ServerSideSession, type ServerSideSessionOptions } from './server-side-session.js';
export { serverSession } from './server-session.js';
export { userSessions, type UserSessionsHelper } from './user-sessions-helper.js';
export { UserSessions, type UserSessionInfo } from './user-sessions.js';
export { sessionIdHash, userIndexId } from './user-session-index.js';
export { OutageSession, READ_ONLY_METHODS, type OutageMode } from './outage-session.js';
export { storeHealth } from './store-health.js';
export { createStore, serializerFor, DEFAULT_SESSION_FILE_DIR } from './create-store.js';
export { breakerFromConfig } from './breaker-from-config.js';
export { PrefixedStore } from './prefixed-store.js';
export { OpenedStore, type OpenedConnection } from './opened-store.js';
export { defaultDriverLoader, type DriverLoader } from './driver-loader.js';
export { DEFAULT_REDIS_URL, DEFAULT_MEMCACHED_SERVERS, DEFAULT_MONGODB_URL } from './connect.js';
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

// The stores behind the SESSION_TYPEs, for building one by hand (ServerSideSessionInterface(store)).
export type { SessionStore, SessionChanges, SessionData as StoredSession, Clock } from '../stores/store.js';
export { StoreUnavailableError, StoreConflictError } from '../stores/errors.js';
export { SessionTooLargeError } from '../stores/session-too-large-error.js';
export {
  CircuitBreakerStore,
  StoreCircuitOpenError,
  DEFAULT_BREAKER_THRESHOLD,
  DEFAULT_BREAKER_COOLDOWN_MS,
  type CircuitBreakerOptions,
  type BreakerState,
  type BreakerStateChange,
} from '../stores/circuit-breaker.js';
export { jsonSerializer, msgpackSerializer, type Serializer } from '../stores/serializers.js';
export { MemoryStore, MEMORY_STORE_DEFAULTS, MEMORY_ENTRY_OVERHEAD_BYTES, type MemoryStoreOptions } from '../stores/memory-store.js';
export { FileSystemStore, type FileSystemStoreOptions } from '../stores/filesystem-store.js';
export {
  RedisStore,
  type RedisStoreOptions,
  type NodeRedisClientLike,
  type NodeRedisMultiLike,
  type IORedisClientLike,
  type IORedisMultiLike,
} from '../stores/redis-store.js';
export { MemcachedStore, type MemcachedStoreOptions, type MemcacheClientLike } from '../stores/memcached-store.js';
export { SqlStore, type SqlStoreOptions } from '../stores/sql-store.js';
export { setSqliteBusyTimeout, SQLITE_BUSY_TIMEOUT_MS, type SqliteConnectionLike } from '../stores/sqlite-busy.js';
export { MongoStore, type MongoStoreOptions, type MongoSessionDoc } from '../stores/mongo-store.js';
// What the SQL and MongoDB stores need of knex and mongodb, so micro's declarations import neither driver.
export type {
  KnexLike,
  KnexQueryLike,
  KnexInsertLike,
  KnexSchemaLike,
  KnexTableBuilderLike,
  KnexColumnBuilderLike,
} from '../stores/knex-like.js';
export type { MongoCollectionLike, MongoSessionDocLike } from '../stores/mongo-collection-like.js';
// Flask-Session 0.8's record layouts (SESSION_RECORD_FORMAT 'flask-session').
export * from '../stores/flask-session/index.js';
export { FLASK_SESSION_FILE_DIR } from './create-flask-session-store.js';
