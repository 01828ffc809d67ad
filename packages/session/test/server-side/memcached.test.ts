import { MemcacheClient } from 'memcache-client';
import { describe } from 'vitest';
import { hasBinary, startMemcached, type LocalServer } from '../stores/local-servers.js';
import { checkService, hostPort, probeTcp, urls } from '../stores/services.js';
import { runServerSideSuite, type ServerSideHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

// MEMCACHED_URL points at an existing server; otherwise this file runs its own memcached.
const external = urls.memcached ? hostPort(urls.memcached, 11211) : undefined;
const service = await checkService('Memcached', urls.memcached ?? 'a memcached process started by the test', async () => {
  if (external) return probeTcp(external.host, external.port);
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});

/** A memcached client (to MEMCACHED_URL, or to a memcached this suite starts), shut down afterwards. */
async function memcachedHarness(): Promise<ServerSideHarness> {
  let server: LocalServer | undefined;
  let address: string;
  if (external) address = `${external.host}:${external.port}`;
  else {
    server = await startMemcached();
    address = `127.0.0.1:${server.port}`;
  }
  const client = new MemcacheClient({ server: address, cmdTimeout: 2000, connectTimeout: 2000 });
  return {
    type: 'memcached',
    configure(app) {
      app.config.SESSION_MEMCACHED = client;
    },
    async teardown() {
      client.shutdown();
      await server?.stop();
    },
  };
}

describe.skipIf(!service.available)('server-side sessions on a real memcached', () => {
  runServerSideSuite('MemcachedStore', memcachedHarness, { storeName: 'memcached' });
  runUserSessionsSuite('MemcachedStore', memcachedHarness);
});
