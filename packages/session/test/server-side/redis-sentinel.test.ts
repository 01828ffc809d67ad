/**
 * The HTTP suite through Redis Sentinel: ioredis with `sentinels` and
 * node-redis `createSentinel`, against a real master and Sentinel this file
 * starts on loopback ports. The clients ask the Sentinel where the master is.
 */
import { Redis } from 'ioredis';
import { createSentinel } from 'redis';
import { afterAll, beforeAll, describe } from 'vitest';
import { hasBinary } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { startRedisSentinel, type LocalSentinel } from './redis-sentinel.js';
import { redisHarness, runServerSideSuite } from './suite.js';

const binary = await checkService('redis-server (local Redis Sentinel)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

describe.skipIf(!binary.available)('server-side sessions through Redis Sentinel', () => {
  let sentinel: LocalSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  runServerSideSuite(
    'RedisStore (ioredis with sentinels)',
    async () => {
      const client = new Redis({
        sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
        name: sentinel.masterName,
        enableOfflineQueue: false,
        lazyConnect: true,
      });
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.quit());
    },
    { storeName: 'redis' },
  );

  runServerSideSuite(
    'RedisStore (node-redis createSentinel)',
    async () => {
      const client = createSentinel({
        name: sentinel.masterName,
        sentinelRootNodes: [{ host: '127.0.0.1', port: sentinel.port }],
        nodeClientOptions: { disableOfflineQueue: true },
      });
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.close());
    },
    { storeName: 'redis' },
  );
});
