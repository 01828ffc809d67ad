/**
 * Every session of a user on a real three-master Redis Cluster: the user's
 * index and the session records hash to different slots (and nodes), and
 * everything still works, since no command ever needs two keys together.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../../src/index.js';
import { ServerSideSessionInterface, userIndexId } from '../../src/server-side/index.js';
import { hasBinary, startRedisCluster, type LocalCluster } from '../stores/local-servers.js';
import { checkService, uniqueSuffix } from '../stores/services.js';
import { serverSideApp, sidOf } from './app.js';
import { redisHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

const binaries = await checkService('redis-server + redis-cli (local Redis Cluster)', 'PATH', async () => {
  for (const bin of ['redis-server', 'redis-cli']) if (!hasBinary(bin)) throw new Error(`${bin} is not installed`);
});

describe.skipIf(!binaries.available)('every session of a user on a real 3-node Redis Cluster', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  runUserSessionsSuite('RedisStore (node-redis createCluster)', async () => {
    const client = createCluster({
      rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })),
      defaults: { disableOfflineQueue: true },
    });
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.close());
  });

  runUserSessionsSuite('RedisStore (ioredis Cluster)', async () => {
    const client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { enableOfflineQueue: false, lazyConnect: true },
    );
    client.on('error', () => {});
    await client.connect();
    return redisHarness(client, () => client.quit());
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
