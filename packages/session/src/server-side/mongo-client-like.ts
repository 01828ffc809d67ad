import type { MongoCollectionLike } from '../stores/mongo-collection-like.js';

/** The part of a `mongodb` MongoClient (v6) that SESSION_TYPE `mongodb` uses. */
export interface MongoClientLike {
  db(name?: string): { collection(name: string): MongoCollectionLike };
}
