/**
 * The connection to a real memcached is cut (a loopback proxy in front of it
 * drops every connection and refuses new ones; memcached itself keeps running,
 * since a restart would empty it): requests answer 503 with one log line and
 * no cookie, and once the path is back the same session is served again.
 */
import { MemcacheClient } from 'memcache-client';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hasBinary, startMemcached, type LocalServer } from '../stores/local-servers.js';
import { checkService } from '../stores/services.js';
import { startTcpProxy, type TcpProxy } from '../stores/tcp-proxy.js';
import { serverSideApp } from './app.js';
import { runOutageScenario } from './outage.js';

const binary = await checkService('memcached (local binary for outage tests)', 'PATH', async () => {
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});

describe.skipIf(!binary.available)('server-side sessions when the memcached connection is cut', () => {
  let server: LocalServer;
  let proxy: TcpProxy;
  let client: MemcacheClient;
  beforeAll(async () => {
    server = await startMemcached();
    proxy = await startTcpProxy('127.0.0.1', server.port);
    client = new MemcacheClient({ server: `127.0.0.1:${proxy.port}`, cmdTimeout: 1000, connectTimeout: 1000 });
  });
  afterAll(async () => {
    client?.shutdown();
    await proxy?.close();
    await server?.stop();
  });

  it('answers 503 while cut, keeps cookie and record, and serves the same session once reconnected', async () => {
    await runOutageScenario({
      app: serverSideApp((a) => {
        a.config.SESSION_TYPE = 'memcached';
        a.config.SESSION_MEMCACHED = client;
      }),
      storeName: 'memcached',
      cut: () => proxy.down(),
      restore: () => proxy.up(),
    });
  });
});
