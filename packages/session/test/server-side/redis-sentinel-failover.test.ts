/**
 * A Sentinel failover under a running app: the master (with one replica) is
 * killed, the Sentinel promotes the replica, and the app, whose ioredis client
 * asks the Sentinel where the master is, serves the same session from the new
 * master. In between, requests answer 503 (never 500, never a new session).
 */
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { COOKIE, login, serverSideApp, sidOf } from './app.js';
import { startRedisSentinel, type LocalSentinel } from './redis-sentinel.js';

const binary = await checkService('redis-server (local Redis Sentinel)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

describe.skipIf(!binary.available)('server-side sessions through a Redis Sentinel failover', () => {
  let sentinel: LocalSentinel;
  let client: Redis;
  beforeAll(async () => {
    sentinel = await startRedisSentinel('failover', { replica: true });
    client = new Redis({
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      name: sentinel.masterName,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => 100,
    });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await sentinel?.stop();
  });

  it('serves the same session from the promoted replica; 503 while there is no master', async () => {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS = client;
    });
    const http = app.testClient();
    const sid = await login(http);
    const cookie = http.cookies.get(COOKIE)!;
    const stored = await app.store.inner.get(sid);
    expect(stored).toEqual({ _permanent: true, username: 'alice' });
    // Replication is asynchronous: the session must have reached the replica before the master dies.
    expect(await client.call('WAIT', 1, 15_000)).toBe(1);

    await sentinel.master.kill();
    const statuses = new Set<number>();
    const deadline = Date.now() + 30_000;
    let last;
    for (;;) {
      last = await http.get('/');
      statuses.add(last.status);
      if (last.status === 200 || Date.now() > deadline) break;
      expect(last.headers.getSetCookie()).toEqual([]);
      await sleep(200);
    }
    expect([last.status, last.text]).toEqual([200, 'alice']);
    // The Sentinel waits a second before it calls the master dead: the first requests find no master.
    expect([...statuses].sort()).toEqual([200, 503]);
    expect(http.cookies.get(COOKIE)).toBe(cookie);
    expect(sidOf(http)).toBe(sid);

    // The Sentinel now names the replica as the master, and the session lives there.
    const probe = new Redis({ host: '127.0.0.1', port: sentinel.port, lazyConnect: true });
    try {
      await probe.connect();
      const [, port] = (await probe.call('SENTINEL', 'get-master-addr-by-name', sentinel.masterName)) as [string, string];
      expect(Number(port)).toBe(sentinel.replica!.port);
    } finally {
      probe.disconnect();
    }
    expect(await app.store.inner.get(sid)).toEqual(stored);
    // And it takes writes again.
    expect((await http.post('/set?key=k&value=v')).status).toBe(200);
    expect(await app.store.inner.get(sid)).toEqual({ ...stored, k: 'v' });
  }, 60_000);
});
