/**
 * The HTTP suite and the every-session-of-a-user suite through the cluster
 * clients of node-redis and ioredis, on a real three-master Redis Cluster
 * started on loopback ports (startRedisCluster from test/stores/local-servers.ts)
 * and torn down afterwards.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, startRedisCluster, type LocalCluster } from '../stores/local-servers.js';
import { checkService, uniqueSuffix } from '../stores/services.js';
import { session } from '../../src/index.js';
import { ServerSideSessionInterface, userIndexId } from '../../src/server-side/index.js';
import { login, serverSideApp, sidOf } from './app.js';
import { redisHarness, runServerSideSuite, type ServerSideHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

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

  /** A node-redis cluster client on the cluster, closed afterwards. */
  const nodeRedisHarness = async (): Promise<ServerSideHarness> => {
    const client = createCluster({
      rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })),
      defaults: { disableOfflineQueue: true },
    });
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.close());
  };
  /** An ioredis Cluster client on the cluster, closed afterwards. */
  const ioredisHarness = async (): Promise<ServerSideHarness> => {
    const client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { enableOfflineQueue: false, lazyConnect: true },
    );
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.quit());
  };

  runServerSideSuite('RedisStore (node-redis createCluster)', nodeRedisHarness, { storeName: 'redis' });
  runServerSideSuite('RedisStore (ioredis Cluster)', ioredisHarness, { storeName: 'redis' });
  // Every session of a user: the index and the records hash to different slots, and nothing needs them together.
  runUserSessionsSuite('RedisStore (node-redis createCluster)', nodeRedisHarness);
  runUserSessionsSuite('RedisStore (ioredis Cluster)', ioredisHarness);

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

  it("keeps a user's index on another node than their sessions, and lists them all", async () => {
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { lazyConnect: true });
    await client.connect();
    try {
      const prefix = `us-spread:${uniqueSuffix()}:`;
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
        a.config.SESSION_KEY_PREFIX = prefix;
      });
      app.post('/bind', function bind() {
        session.set('username', 'spread');
        session.bindUser('spread');
        return 'ok';
      });
      const sids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const c = app.testClient();
        await c.post('/bind');
        sids.push(sidOf(c)!);
      }
      const slot = async (key: string) => Number(await client.cluster('KEYSLOT', key));
      const indexSlot = await slot(prefix + userIndexId('spread'));
      const recordSlots = await Promise.all(sids.map((sid) => slot(prefix + sid)));
      expect(recordSlots.filter((s) => s !== indexSlot).length).toBeGreaterThan(0);

      const si = app.sessionInterface as ServerSideSessionInterface;
      expect(await si.listForUser(app, 'spread')).toHaveLength(12);
      expect(await si.revokeAllForUser(app, 'spread', { except: { sid: sids[0]! } })).toBe(11);
      expect((await si.listForUser(app, 'spread')).map((s) => s.current)).toEqual([false]);
      for (const sid of sids.slice(1)) expect(await client.exists(prefix + sid)).toBe(0);
    } finally {
      await client.quit();
    }
  });
});
