import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { redisHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));

describe.skipIf(!redis.available)('every session of a user on a real Redis', () => {
  runUserSessionsSuite('RedisStore (node-redis)', async () => {
    const client = createClient({ url: urls.redis, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.quit());
  });

  runUserSessionsSuite('RedisStore (ioredis)', async () => {
    const client = new Redis(urls.redis, { enableOfflineQueue: false, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.quit());
  });
});
