import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { optionalService, uniqueSuffix, urls } from '../stores/services.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

// No MongoDB server can be installed on this machine: this runs only where MONGODB_URL is set.
const mongo = optionalService('MongoDB (every session of a user)', 'MONGODB_URL');

describe.skipIf(!mongo.available)('every session of a user on a real MongoDB', () => {
  runUserSessionsSuite('MongoStore', async () => {
    const client = await new MongoClient(urls.mongodb!, { serverSelectionTimeoutMS: 2000 }).connect();
    const db = `micro_us_${uniqueSuffix()}`;
    return {
      type: 'mongodb',
      configure(app) {
        app.config.SESSION_MONGODB = client;
        app.config.SESSION_MONGODB_DB = db;
      },
      async teardown() {
        await client.db(db).dropDatabase().catch(() => {});
        await client.close();
      },
    };
  });
});
