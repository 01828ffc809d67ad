import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/stores/errors.js';
import { MongoStore, fromMongoFieldName, mongoFieldName, type MongoSessionDoc } from '../../src/stores/mongo-store.js';
import { runStoreContract } from './contract.js';
import { freePort, optionalService, uniqueSuffix, urls } from './services.js';

// No MongoDB server can be installed on this machine: the contract runs only where MONGODB_URL is set.
const mongo = optionalService('MongoDB', 'MONGODB_URL');

describe.skipIf(!mongo.available)('MongoStore on a real MongoDB', () => {
  runStoreContract('MongoStore', {
    async create(serializer) {
      const client = await new MongoClient(urls.mongodb!, { serverSelectionTimeoutMS: 2000 }).connect();
      const collection = client.db().collection<MongoSessionDoc>(`micro_sessions_${uniqueSuffix()}`);
      // Start at the real time: the server's TTL monitor deletes documents whose expiresAt is in its past.
      let now = Date.now();
      const store = new MongoStore({ collection, serializer, now: () => now });
      return {
        store,
        advance: (ms) => (now += ms),
        teardown: async () => {
          await collection.drop().catch(() => {});
          await client.close();
        },
      };
    },
  });
});

describe('MongoStore without a server', () => {
  it('escapes session keys into safe, reversible field names', () => {
    for (const key of ['plain', 'a.b', '$where', '%2E', '', '__proto__', 'a.$.%']) {
      const field = mongoFieldName(key);
      expect(field).not.toMatch(/[.$]/);
      expect(fromMongoFieldName(field)).toBe(key);
    }
  });

  it('rejects with StoreUnavailableError when no server answers (real driver, closed port)', async () => {
    const port = await freePort();
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/test`, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    try {
      const store = new MongoStore({ collection: client.db().collection<MongoSessionDoc>('sessions'), operationTimeoutMs: 2000 });
      await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.apply('x', { set: { a: 1 }, delete: [] }, 60_000)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await client.close();
    }
  });
});
