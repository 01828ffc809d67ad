/**
 * SESSION_RECORD_FORMAT 'flask-session' through the cluster clients of node-redis
 * and ioredis, on a real three-master Redis Cluster started on loopback ports:
 * one key per session, so the compare-and-set script runs on the key's master.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSideApp } from '../../server-side/app.js';
import { hasBinary, startRedisCluster, type LocalCluster } from '../local-servers.js';
import { checkService } from '../services.js';

const binaries = await checkService('redis-server + redis-cli (local Redis Cluster)', 'PATH', async () => {
  for (const bin of ['redis-server', 'redis-cli']) if (!hasBinary(bin)) throw new Error(`${bin} is not installed`);
});

describe.skipIf(!binaries.available)("Flask-Session's Redis layout on a 3-node Redis Cluster", () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function writeMergeRead(client: unknown): Promise<void> {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS = client as never;
    }, { SESSION_RECORD_FORMAT: 'flask-session' });
    const users = Array.from({ length: 12 }, () => app.testClient());
    for (const [i, user] of users.entries()) expect((await user.post(`/set?key=user&value=u${i}`)).status).toBe(200);
    // Changes to different keys of one session, at once: the compare-and-set keeps both.
    await Promise.all(users.map((user, i) => Promise.all([user.post(`/set?key=a&value=${i}&delay=20`), user.post(`/set?key=b&value=${i}&delay=20`)])));
    for (const [i, user] of users.entries()) expect((await user.get('/data')).json()).toMatchObject({ user: `u${i}`, a: String(i), b: String(i) });
  }

  it('works through node-redis createCluster', async () => {
    const client = createCluster({ rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })), defaults: { disableOfflineQueue: true } });
    client.on('error', () => {});
    await client.connect();
    try {
      await writeMergeRead(client);
    } finally {
      await client.close();
    }
  });

  it('works through ioredis Cluster', async () => {
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { enableOfflineQueue: false, lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    try {
      await writeMergeRead(client);
    } finally {
      await client.quit();
    }
  });
});
