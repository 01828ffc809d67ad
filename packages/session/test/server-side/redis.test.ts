import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { login, serverSideApp } from './app.js';
import { redisHarness, runServerSideSuite } from './suite.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));

describe.skipIf(!redis.available)('server-side sessions on a real Redis', () => {
  runServerSideSuite(
    'RedisStore (node-redis)',
    async () => {
      const client = createClient({ url: urls.redis, disableOfflineQueue: true });
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.quit());
    },
    { storeName: 'redis' },
  );

  runServerSideSuite(
    'RedisStore (ioredis)',
    async () => {
      const client = new Redis(urls.redis, { enableOfflineQueue: false, lazyConnect: true });
      client.on('error', () => {});
      await client.connect();
      return redisHarness(client, () => client.quit());
    },
    { storeName: 'redis' },
  );

  describe('on the wire', () => {
    const client = createClient({ url: urls.redis });
    const prefix = `test:ss:wire:${uniqueSuffix()}:`;
    beforeAll(async () => {
      await client.connect();
    });
    afterAll(async () => {
      for (const key of await client.keys(`${prefix}*`)) await client.del(key);
      await client.quit();
    });
    const app = (config: Record<string, unknown> = {}) =>
      serverSideApp((a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
        a.config.SESSION_KEY_PREFIX = prefix;
      }, config);

    it('keeps the session at SESSION_KEY_PREFIX + id; a read extends its TTL with PEXPIRE and leaves the data alone', async () => {
      const a = app({ PERMANENT_SESSION_LIFETIME: 100 });
      const c = a.testClient();
      const sid = await login(c);
      const key = `${prefix}${sid}`;
      expect(await client.hGetAll(key)).toEqual({ '~': '1', 'k:_permanent': 'true', 'k:username': '"alice"' });
      await client.pExpire(key, 5_000);
      await client.hSet(key, 'k:marker', '"set behind the app\'s back"');
      expect((await c.get('/')).text).toBe('alice');
      const ttl = await client.pTTL(key);
      expect(ttl).toBeGreaterThan(5_000);
      expect(ttl).toBeLessThanOrEqual(100_000);
      // Not rewritten: a field the app never saw is still there.
      expect(await client.hGet(key, 'k:marker')).toBe('"set behind the app\'s back"');
    });

    it('msgpack values are stored as MessagePack bytes', async () => {
      const a = app({ SESSION_SERIALIZATION_FORMAT: 'msgpack' });
      const sid = await login(a.testClient());
      const raw = await client.withTypeMapping({ 36: Buffer }).hGet(`${prefix}${sid}`, 'k:username');
      expect(Buffer.from(raw as Buffer).equals(Buffer.from([0xa5, ...Buffer.from('alice')]))).toBe(true);
    });
  });
});
