/**
 * The HTTP suite through the cluster clients of node-redis and ioredis, on a
 * real three-master Redis Cluster started on loopback ports (startRedisCluster
 * from test/stores/local-servers.ts) and torn down afterwards.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, startRedisCluster, type LocalCluster } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { login, serverSideApp } from './app.js';
import { redisHarness, runServerSideSuite } from './suite.js';

const binaries = await checkService('redis-server + redis-cli (local Redis Cluster)', 'PATH', async () => {
  for (const bin of ['redis-server', 'redis-cli']) if (!hasBinary(bin)) throw new Error(`${bin} is not installed`);
});

describe.skipIf(!binaries.available)('server-side sessions on a real 3-node Redis Cluster', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  runServerSideSuite(
    'RedisStore (node-redis createCluster)',
    async () => {
      const client = createCluster({
        rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })),
        defaults: { disableOfflineQueue: true },
      });
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.close());
    },
    { storeName: 'redis' },
  );

  runServerSideSuite(
    'RedisStore (ioredis Cluster)',
    async () => {
      const client = new Cluster(
        cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
        { enableOfflineQueue: false, lazyConnect: true },
      );
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.quit());
    },
    { storeName: 'redis' },
  );

  it('spreads the sessions of many users over all three masters', async () => {
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { lazyConnect: true });
    await client.connect();
    try {
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
        a.config.SESSION_KEY_PREFIX = 'spread:';
      });
      for (let i = 0; i < 30; i++) await login(app.testClient(), `user${i}`);
      const perNode = await Promise.all(client.nodes('master').map((node) => node.keys('spread:*')));
      expect(perNode.map((keys) => keys.length).filter((n) => n > 0)).toHaveLength(3);
      expect(perNode.flat()).toHaveLength(30);
    } finally {
      await client.quit();
    }
  });
});
