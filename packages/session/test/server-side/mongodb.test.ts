import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { optionalService, uniqueSuffix, urls } from '../stores/services.js';
import { runServerSideSuite, type ServerSideHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

// No MongoDB server can be installed on this machine: this runs only where MONGODB_URL is set.
const mongo = optionalService('MongoDB (server-side sessions over HTTP)', 'MONGODB_URL');

/** A client to MONGODB_URL and a database of its own, dropped afterwards. */
async function mongoHarness(): Promise<ServerSideHarness> {
  const client = await new MongoClient(urls.mongodb!, { serverSelectionTimeoutMS: 2000 }).connect();
  const db = `micro_ss_${uniqueSuffix()}`;
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
}

describe.skipIf(!mongo.available)('server-side sessions on a real MongoDB', () => {
  runServerSideSuite('MongoStore', mongoHarness, { storeName: 'mongodb' });
  runUserSessionsSuite('MongoStore', mongoHarness);
});
