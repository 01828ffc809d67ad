// micro with server-side sessions in Redis (node-redis client), as Flask-Session's SESSION_TYPE=redis.
import { createClient } from 'redis';
import { REDIS_URL } from './lib/common.mjs';
import { startMicro } from './lib/micro-app.mjs';

const client = createClient({ url: REDIS_URL });
await client.connect();
await startMicro({ SESSION_TYPE: 'redis', SESSION_REDIS: client });
