/**
 * Outage behaviour against a real redis-server this test starts, crashes and
 * restarts: commands fail fast with StoreUnavailableError instead of hanging,
 * a failed write leaves the stored session untouched, and the session is back
 * once the server is.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/stores/errors.js';
import { RedisStore } from '../../src/stores/redis-store.js';
import type { SessionStore } from '../../src/stores/store.js';
import { hasBinary, startRedis, type LocalServer } from './local-servers.js';
import { checkService } from './services.js';

const binary = await checkService('redis-server (local binary for outage tests)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

const TIMEOUT_MS = 1000;
const HANG_BOUND_MS = 5 * TIMEOUT_MS; // a liveness bound ("does not hang"), not a speed target

async function rejectsUnavailable(op: Promise<unknown>): Promise<number> {
  const started = Date.now();
  const err = await op.then(
    () => new Error('expected the call to fail during the outage'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreUnavailableError);
  expect((err as StoreUnavailableError).store).toBe('redis');
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(HANG_BOUND_MS);
  return elapsed;
}

async function waitUntilServing(store: SessionStore, id: string): Promise<unknown> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await store.get(id);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

type Factory = (port: number) => Promise<{ store: RedisStore; close: () => Promise<void> }>;

const clients: Record<string, Factory> = {
  'node-redis': async (port) => {
    const client = createClient({
      url: `redis://127.0.0.1:${port}`,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 100 },
    });
    client.on('error', () => {});
    await client.connect();
    const store = new RedisStore({ client, prefix: 'outage:', commandTimeoutMs: TIMEOUT_MS });
    return { store, close: async () => void client.destroy() };
  },
  ioredis: async (port) => {
    const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => 100 });
    client.on('error', () => {});
    await client.connect();
    const store = new RedisStore({ client, prefix: 'outage:', commandTimeoutMs: TIMEOUT_MS });
    return { store, close: async () => client.disconnect() };
  },
};

for (const [label, make] of Object.entries(clients)) {
  describe.skipIf(!binary.available)(`RedisStore outage (${label}, real redis-server)`, () => {
    let server: LocalServer;
    let store: RedisStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      server = await startRedis();
      ({ store, close } = await make(server.port));
    });
    afterAll(async () => {
      await close?.();
      await server?.stop();
    });

    it('fails fast while the server is down, keeps the data, and recovers after a restart', async () => {
      await store.set('s1', { user: 'alice', n: 1 }, 60_000);
      await server.kill();

      const timings = [
        await rejectsUnavailable(store.get('s1')),
        await rejectsUnavailable(store.apply('s1', { set: { n: 2, injected: true }, delete: ['user'] }, 60_000)),
        await rejectsUnavailable(store.set('s1', { replaced: true }, 60_000)),
        await rejectsUnavailable(store.touch('s1', 60_000)),
        await rejectsUnavailable(store.destroy('s1')),
      ];
      console.info(`[redis outage ${label}] rejections took ${timings.join(', ')} ms`);

      await server.restart(); // same port, same append-only file
      // The failed writes were never queued for later: the session is exactly as before the outage.
      expect(await waitUntilServing(store, 's1')).toEqual({ user: 'alice', n: 1 });
      await store.apply('s1', { set: { n: 3 }, delete: [] }, 60_000);
      expect(await store.get('s1')).toEqual({ user: 'alice', n: 3 });
    });

    it('times out with StoreUnavailableError when the server is frozen (connected but silent)', async () => {
      await store.set('s2', { a: 1 }, 60_000);
      await server.freeze();
      try {
        const elapsed = await rejectsUnavailable(store.get('s2'));
        expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // it really waited for the timeout
      } finally {
        server.signal('SIGCONT');
      }
      expect(await waitUntilServing(store, 's2')).toEqual({ a: 1 });
    });
  });
}
