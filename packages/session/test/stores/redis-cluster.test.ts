/**
 * The contract through the cluster clients of node-redis and ioredis, against a
 * real three-master Redis Cluster this file starts on loopback ports and tears down.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/stores/redis-store.js';
import { runStoreContract } from './contract.js';
import { hasBinary, startRedisCluster, type LocalCluster } from './local-servers.js';
import { checkService, uniqueSuffix } from './services.js';

const binaries = await checkService('redis-server + redis-cli (local Redis Cluster)', 'PATH', async () => {
  for (const bin of ['redis-server', 'redis-cli']) if (!hasBinary(bin)) throw new Error(`${bin} is not installed`);
});
const realTtl = { ttlMs: 150, graceMs: 250 };
const prefix = `test:cluster:${uniqueSuffix()}:`;

describe.skipIf(!binaries.available)('RedisStore on a real 3-node Redis Cluster', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  runStoreContract('RedisStore (node-redis createCluster)', {
    realTtl,
    async create(serializer) {
      const client = createCluster({
        rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })),
        defaults: { disableOfflineQueue: true },
      });
      client.on('error', () => {});
      await client.connect();
      const store = new RedisStore({ client, prefix: `${prefix}nr:${serializer.name}:`, serializer });
      return { store, teardown: async () => void (await client.close()) };
    },
  });

  runStoreContract('RedisStore (ioredis Cluster)', {
    realTtl,
    async create(serializer) {
      const client = new Cluster(
        cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
        { enableOfflineQueue: false, lazyConnect: true },
      );
      client.on('error', () => {});
      await client.connect();
      const store = new RedisStore({ client, prefix: `${prefix}io:${serializer.name}:`, serializer });
      return { store, teardown: async () => void (await client.quit()) };
    },
  });

  it('spreads sessions over all three masters (so the contract really crossed slots)', async () => {
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { lazyConnect: true });
    await client.connect();
    try {
      const store = new RedisStore({ client, prefix: `${prefix}spread:` });
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.set(`s${i}`, { i }, 60_000)));
      const perNode = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
      expect(perNode.filter((n) => n > 0).length).toBe(3);
      for (let i = 0; i < 30; i++) expect(await store.get(`s${i}`)).toEqual({ i });
    } finally {
      await client.quit();
    }
  });
});
