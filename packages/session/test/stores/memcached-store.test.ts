import { MemcacheClient } from 'memcache-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/stores/errors.js';
import { MEMCACHED_MAX_RELATIVE_TTL_S, MemcachedStore, memcachedExptime } from '../../src/stores/memcached-store.js';
import { runStoreContract } from './contract.js';
import { hasBinary, startMemcached, type LocalServer } from './local-servers.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from './services.js';

// MEMCACHED_URL points at an existing server; otherwise this file runs its own memcached.
const external = urls.memcached ? hostPort(urls.memcached, 11211) : undefined;
const service = await checkService('Memcached', urls.memcached ?? 'a memcached process started by the test', async () => {
  if (external) return probeTcp(external.host, external.port);
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});
const prefix = `test:micro:${uniqueSuffix()}:`;
// Memcached counts expiry in whole seconds on a clock that ticks once a second.
const realTtl = { ttlMs: 1000, graceMs: 1500 };

describe.skipIf(!service.available)('MemcachedStore on a real memcached', () => {
  let server: LocalServer | undefined;
  let address = '';
  const clients: MemcacheClient[] = [];
  const connect = () => {
    const client = new MemcacheClient({ server: address, cmdTimeout: 1000, connectTimeout: 1000 });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    if (external) address = `${external.host}:${external.port}`;
    else {
      server = await startMemcached();
      address = `127.0.0.1:${server.port}`;
    }
  });
  afterAll(async () => {
    for (const c of clients) c.shutdown();
    await server?.stop();
  });

  runStoreContract('MemcachedStore', {
    realTtl,
    async create(serializer) {
      return { store: new MemcachedStore({ client: connect(), prefix: `${prefix}${serializer.name}:`, serializer }) };
    },
  });

  it('sends TTLs over 30 days as an absolute Unix time, so long sessions do not expire at once', async () => {
    const now = Date.now();
    expect(memcachedExptime(MEMCACHED_MAX_RELATIVE_TTL_S * 1000, now)).toBe(MEMCACHED_MAX_RELATIVE_TTL_S);
    expect(memcachedExptime((MEMCACHED_MAX_RELATIVE_TTL_S + 1) * 1000, now)).toBe(Math.floor(now / 1000) + MEMCACHED_MAX_RELATIVE_TTL_S + 1);
    const store = new MemcachedStore({ client: connect(), prefix });
    const fortyDays = 40 * 24 * 60 * 60 * 1000;
    await store.set('long', { a: 1 }, fortyDays);
    await store.apply('long', { set: { b: 2 }, delete: [] }, fortyDays);
    await store.touch('long', fortyDays);
    expect(await store.get('long')).toEqual({ a: 1, b: 2 });
  });

  it('merges concurrent applies from separate connections (CAS across clients)', async () => {
    const stores = Array.from({ length: 5 }, () => new MemcachedStore({ client: connect(), prefix }));
    await stores[0]!.set('multi', {}, 60_000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 5]!.apply('multi', { set: { [`k${i}`]: i }, delete: [] }, 60_000)));
    const got = await stores[0]!.get('multi');
    expect(Object.keys(got ?? {}).length).toBe(40);
  });

  it('rejects with StoreUnavailableError, without hanging, when memcached is down', async (ctx) => {
    if (!server) return ctx.skip(); // only the self-started server may be killed
    const store = new MemcachedStore({ client: connect(), prefix, commandTimeoutMs: 1000 });
    await store.set('outage', { a: 1 }, 60_000);
    await server.kill();
    try {
      for (const op of [() => store.get('outage'), () => store.apply('outage', { set: { b: 1 }, delete: [] }, 60_000), () => store.touch('outage', 60_000)]) {
        await expect(op()).rejects.toBeInstanceOf(StoreUnavailableError);
      }
    } finally {
      await server.restart(); // memcached keeps nothing across a restart: the session is gone, by design
    }
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        expect(await store.get('outage')).toBeNull();
        break;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});
