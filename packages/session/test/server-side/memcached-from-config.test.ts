/** SESSION_TYPE 'memcached' from SESSION_MEMCACHED_SERVERS alone, on a memcached this file starts. */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, startMemcached, type LocalServer } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { login, serverSideApp } from './app.js';

const service = await checkService('Memcached', 'a memcached process started by the test', async () => {
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});

/** memcached's own count of open client connections (its `stats` includes the one asking). */
function currConnections(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (!text.includes('END\r\n')) return;
      socket.destroy();
      resolve(Number(/STAT curr_connections (\d+)/.exec(text)![1]) - 1);
    });
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write('stats\r\n'));
  });
}

describe.skipIf(!service.available)('SESSION_TYPE memcached without a client', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('connects to SESSION_MEMCACHED_SERVERS, logs in and reads back; the client is shut down with the app', async () => {
    const before = await currConnections(server.port);
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'memcached';
      a.config.SESSION_MEMCACHED_SERVERS = `127.0.0.1:${server.port}`;
    });
    const c = app.testClient();
    await login(c);
    expect((await c.get('/')).text).toBe('alice');
    expect(await currConnections(server.port)).toBeGreaterThan(before);
    await app.close();
    for (let i = 0; i < 50 && (await currConnections(server.port)) > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await currConnections(server.port)).toBe(before);
  });
});
