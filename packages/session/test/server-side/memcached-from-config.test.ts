/** SESSION_TYPE 'memcached' from SESSION_MEMCACHED_SERVERS alone, on a memcached this file starts. */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasBinary, startMemcached, type LocalServer } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { login, serverSideApp } from './app.js';

const service = await checkService('Memcached', 'a memcached process started by the test', async () => {
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});

/**
 * memcached's own count of open client connections, not counting the one asking. It
 * asks `stats` then `quit`, and answers once memcached has closed the asking
 * connection: a socket merely destroyed here may still be counted by the next call.
 */
function currConnections(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => {
      const m = /STAT curr_connections (\d+)/.exec(text);
      if (m) resolve(Number(m[1]) - 1);
      else reject(new Error(`memcached answered stats without curr_connections: ${JSON.stringify(text.slice(0, 200))}`));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('stats\r\nquit\r\n'));
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
    // This memcached is the file's own: once the start-up probe's connection is gone, nobody else connects.
    // memcached's worker threads close connections on their own time, hence the waits.
    const settledAt = (n: number) => vi.waitFor(async () => expect(await currConnections(server.port)).toBe(n), { timeout: 5_000, interval: 20 });
    await settledAt(0);
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'memcached';
      a.config.SESSION_MEMCACHED_SERVERS = `127.0.0.1:${server.port}`;
    });
    const c = app.testClient();
    await login(c);
    expect((await c.get('/')).text).toBe('alice');
    expect(await currConnections(server.port)).toBeGreaterThan(0);
    await app.close();
    await settledAt(0);
  });
});
