// SESSION_RECORD_FORMAT 'flask-session': Flask-Session 0.8's record layouts, for building a store by hand. Only re-exports.
export type { SessionRecordFormat } from '../../server-side/server-side-config.js';
export { encodeSessionBlob, decodeSessionBlob } from './session-blob.js';
export { PickleError, dumpPickle, loadPickle } from './pickle.js';
export { cachelibFileName, encodeCachelibFile, decodeCachelibFile, type CachelibHash, type CachelibEntry } from './cachelib-file.js';
export {
  RedisRecordStore,
  type RedisRecordStoreOptions,
  type NodeRedisRecordClientLike,
  type NodeRedisRecordCommandsLike,
  type IORedisRecordClientLike,
} from './redis-record-store.js';
export { MemcachedRecordStore, type MemcachedRecordStoreOptions } from './memcached-record-store.js';
export { MemcachedTextClient, MemcachedReplyError, type MemcachedTextClientOptions, type MemcachedHit } from './memcached-text-client.js';
export { CachelibFileStore, type CachelibFileStoreOptions } from './cachelib-file-store.js';
export { SqlRecordStore, sqlUtcText, type SqlRecordStoreOptions } from './sql-record-store.js';
export type { FlaskKnexLike, FlaskKnexQueryLike, FlaskKnexInsertLike, FlaskKnexSchemaLike, FlaskKnexTableBuilderLike } from './flask-knex-like.js';
export { MongoRecordStore, type MongoRecordStoreOptions, type FlaskMongoCollectionLike, type FlaskMongoDocLike } from './mongo-record-store.js';
