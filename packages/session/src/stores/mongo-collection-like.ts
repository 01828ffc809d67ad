/*
 * The part of a `mongodb` (v6) Collection that MongoStore uses, described here
 * rather than imported from mongodb: the published declarations then name no
 * driver, so a project without mongodb installed compiles with
 * `skipLibCheck: false`. A real `Collection` is assignable to it (the store
 * tests pass real ones to the typechecked `new MongoStore({ collection })`).
 */

/** A session document as read back: `data` holds one encoded value per session key. */
export interface MongoSessionDocLike {
  data?: Record<string, unknown>;
}

export interface MongoCollectionLike {
  findOne(filter: object, options: { projection: Record<string, 0 | 1> }): Promise<MongoSessionDocLike | null>;
  replaceOne(filter: object, replacement: object, options: { upsert: boolean }): Promise<unknown>;
  updateOne(filter: object, update: object, options?: { upsert?: boolean }): Promise<unknown>;
  deleteOne(filter: object): Promise<unknown>;
  deleteMany(filter: object): Promise<{ deletedCount: number }>;
  createIndex(keys: Record<string, 1 | -1>, options: { expireAfterSeconds: number; name: string }): Promise<unknown>;
}
