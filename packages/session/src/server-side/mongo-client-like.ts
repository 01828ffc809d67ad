import type { Collection } from 'mongodb';
import type { MongoSessionDoc } from '../stores/mongo-store.js';

/** The part of a `mongodb` MongoClient (v6) that SESSION_TYPE `mongodb` uses. */
export interface MongoClientLike {
  db(name?: string): { collection<T extends MongoSessionDoc>(name: string): Collection<T> };
}
