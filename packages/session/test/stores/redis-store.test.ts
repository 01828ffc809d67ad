import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../src/stores/redis-store.js';
import { runStoreContract } from './contract.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from './services.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));
const prefix = `test:micro:${uniqueSuffix()}:`;
const realTtl = { ttlMs: 150, graceMs: 250 }; // PEXPIRE has millisecond precision

describe.skipIf(!redis.available)('RedisStore on a real Redis server', () => {
  runStoreContract('RedisStore (node-redis)', {
    realTtl,
    async create(serializer) {
      const client = createClient({ url: urls.redis, disableOfflineQueue: true });
      client.on('error', () => {}); // reconnects are handled by the client; errors surface per command
      await client.connect();
      const store = new RedisStore({ client, prefix: `${prefix}nr:${serializer.name}:`, serializer });
      return { store, teardown: async () => void (await client.quit()) };
    },
  });

  runStoreContract('RedisStore (ioredis)', {
    realTtl,
    async create(serializer) {
      const client = new Redis(urls.redis, { enableOfflineQueue: false, lazyConnect: true });
      client.on('error', () => {});
      await client.connect();
      const store = new RedisStore({ client, prefix: `${prefix}io:${serializer.name}:`, serializer });
      return { store, teardown: async () => void (await client.quit()) };
    },
  });

  describe('RedisStore layout', () => {
    it('keeps one hash per session with a native TTL, and touch uses PEXPIRE', async () => {
      const client = createClient({ url: urls.redis });
      await client.connect();
      try {
        const store = new RedisStore({ client, prefix });
        await store.set('layout', { a: 1, b: 'x' }, 60_000);
        expect(await client.type(`${prefix}layout`)).toBe('hash');
        expect(await client.hGetAll(`${prefix}layout`)).toEqual({ '~': '1', 'k:a': '1', 'k:b': '"x"' });
        await store.touch('layout', 5_000);
        const ttl = await client.pTTL(`${prefix}layout`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(5_000);
        await store.destroy('layout');
        expect(await client.exists(`${prefix}layout`)).toBe(0);
      } finally {
        await client.quit();
      }
    });

    it("sends node-redis commands without the client's per-command AbortSignal timer; the client's other commands keep it", async () => {
      const client = createClient({ url: urls.redis });
      await client.connect();
      const timeouts = vi.spyOn(AbortSignal, 'timeout');
      try {
        const store = new RedisStore({ client, prefix });
        await store.set('signals', { a: 1 }, 60_000);
        expect(await store.get('signals')).toEqual({ a: 1 });
        await store.touch('signals', 60_000);
        await store.destroy('signals');
        expect(timeouts).not.toHaveBeenCalled();
        // The client's other users keep its default: a plain command still arms one.
        await client.get(`${prefix}other`);
        expect(timeouts).toHaveBeenCalled();
      } finally {
        timeouts.mockRestore();
        await client.quit();
      }
    });

    it('surfaces a real command error as itself, not as an outage (both clients)', async () => {
      const nr = createClient({ url: urls.redis });
      await nr.connect();
      const io = new Redis(urls.redis);
      try {
        await nr.set(`${prefix}notahash`, 'plain string');
        for (const client of [nr, io]) {
          const store = new RedisStore({ client, prefix });
          for (const op of [() => store.get('notahash'), () => store.apply('notahash', { set: { a: 1 }, delete: [] }, 60_000)]) {
            const err = await op().catch((e: unknown) => e);
            expect(err).toBeInstanceOf(Error);
            expect((err as Error).message).toMatch(/WRONGTYPE/);
            expect((err as Error).name).not.toBe('StoreUnavailableError');
          }
        }
      } finally {
        await nr.del(`${prefix}notahash`);
        await nr.quit();
        io.disconnect();
      }
    });
  });
});
