import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { session } from '../../src/index.js';
import { userSessions } from '../../src/server-side/index.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { serverSideApp } from './app.js';
import { redisHarness } from './suite.js';
import { runUserSessionsSuite, signIn, withDeviceRoutes } from './user-sessions-suite.js';

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

describe.skipIf(!redis.available)('every session of a user while Redis is away', () => {
  it('listing answers 503, and the log names no session or user', async () => {
    const client = createClient({ url: urls.redis, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    const app = withDeviceRoutes(
      serverSideApp((a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
        a.config.SESSION_KEY_PREFIX = `test:us-outage:${uniqueSuffix()}:`;
      }),
    );
    // The page needs a session to read the user from: open it, then cut Redis before listing.
    app.get('/devices-after-cut', async function devicesAfterCut() {
      const userId = session.get('username') as string;
      client.destroy();
      return { devices: await userSessions.listForUser(userId) };
    });
    const laptop = app.testClient();
    const sid = await signIn(laptop, 'outage-user', 'Laptop');
    const r = await laptop.get('/devices-after-cut');
    expect(r.status).toBe(503);
    expect(r.text).toContain('The session store is unavailable');
    // One line for the listing, and one for saving the session afterwards (its touch fails too).
    expect(app.logs.error.length).toBeGreaterThanOrEqual(1);
    for (const line of app.logs.error) {
      expect(line).toContain("Session store 'redis' is unavailable");
      for (const secret of [sid, 'outage-user']) expect(line).not.toContain(secret);
    }
  });
});
