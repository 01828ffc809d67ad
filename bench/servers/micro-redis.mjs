// micro with server-side sessions in Redis (node-redis client), as Flask-Session's SESSION_TYPE=redis.
// Like the connect-redis peer: its own key prefix and a 5-minute lifetime, so runs don't pile up keys.
import { createClient } from 'redis';
import { REDIS_URL } from './lib/common.mjs';
import { startMicro } from './lib/micro-app.mjs';

const client = createClient({ url: REDIS_URL });
await client.connect();
await startMicro({
  SESSION_TYPE: 'redis',
  SESSION_REDIS: client,
  SESSION_KEY_PREFIX: 'micro-bench:micro:',
  PERMANENT_SESSION_LIFETIME: 300,
});
