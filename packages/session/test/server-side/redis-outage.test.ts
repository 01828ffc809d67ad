/**
 * A real redis-server, started by this test on a spare port, dies mid-test:
 * requests answer 503 with one log line, no cookie is written and the stored
 * session is not overwritten; after a restart the same session is back.
 */
import type { App } from '@micro/core';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, startRedis, type LocalServer } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { COOKIE, serverSideApp } from './app.js';
import { runOutageScenario } from './outage.js';

const binary = await checkService('redis-server (local binary for outage tests)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

type Client = { close(): Promise<void>; client: Parameters<typeof useClient>[1] };

function useClient(app: App, client: App['config']['SESSION_REDIS']): void {
  app.config.SESSION_TYPE = 'redis';
  app.config.SESSION_REDIS = client;
}

const clients: Record<string, (port: number) => Promise<Client>> = {
  'node-redis': async (port) => {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    client.on('error', () => {});
    await client.connect();
    return { client, close: async () => void (await client.quit().catch(() => client.destroy())) };
  },
  ioredis: async (port) => {
    const client = new Redis({ port, host: '127.0.0.1', enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => 100 });
    client.on('error', () => {});
    await client.connect();
    return { client, close: async () => client.disconnect() };
  },
};

describe.skipIf(!binary.available)('server-side sessions when Redis goes down', () => {
  for (const [name, connect] of Object.entries(clients)) {
    describe(name, () => {
      let server: LocalServer;
      let c: Client;
      beforeAll(async () => {
        server = await startRedis();
        c = await connect(server.port);
      });
      afterAll(async () => {
        await c?.close();
        await server?.stop();
      });

      it('answers 503 while down, keeps cookie and record, and has the same session after a restart', async () => {
        await runOutageScenario({
          app: serverSideApp((a) => useClient(a, c.client)),
          storeName: 'redis',
          cut: () => server.kill(),
          restore: () => server.restart(),
          // docs/server-side-sessions.md: answer the 503 your own way.
          async whileDown(cookie) {
            const custom = serverSideApp((a) => useClient(a, c.client));
            custom.errorHandler(503, () => ['Back in a minute', 503, { 'Retry-After': '5' }]);
            const other = custom.testClient();
            other.cookies.set(COOKIE, cookie);
            const r = await other.get('/');
            expect([r.status, r.text, r.headers.get('retry-after'), r.headers.getSetCookie()]).toEqual([503, 'Back in a minute', '5', []]);
            expect(custom.logs.error).toHaveLength(1);
          },
        });
      });
    });
  }
});
