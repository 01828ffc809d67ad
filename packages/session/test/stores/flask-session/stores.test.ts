/**
 * The Flask-Session record stores beyond what the HTTP tests drive: ioredis,
 * cachelib's threshold and item counter, and memcached outages (micro's own
 * memcached text client) on a real memcached that the test kills and freezes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/stores/errors.js';
import { CachelibFileStore } from '../../../src/stores/flask-session/cachelib-file-store.js';
import { CACHELIB_COUNT_KEY, cachelibFileName, decodeCachelibFile } from '../../../src/stores/flask-session/cachelib-file.js';
import { MemcachedRecordStore } from '../../../src/stores/flask-session/memcached-record-store.js';
import { MemcachedTextClient } from '../../../src/stores/flask-session/memcached-text-client.js';
import { PickleError } from '../../../src/stores/flask-session/pickle.js';
import { RedisRecordStore } from '../../../src/stores/flask-session/redis-record-store.js';
import { serverSideApp } from '../../server-side/app.js';
import { hasBinary, startMemcached } from '../local-servers.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../services.js';
import { rawOf, recordsOf, tag } from './fixtures.js';

const rd = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(rd.host, rd.port));
const memcached = await checkService('Memcached', 'a memcached process started by the test', async () => {
  if (!hasBinary('memcached')) throw new Error('memcached is not installed (apt-get install -y memcached)');
});

describe.skipIf(!redis.available)('RedisRecordStore with ioredis', () => {
  const client = new Redis(urls.redis, { enableOfflineQueue: false, lazyConnect: true });
  const prefix = `fsio_${uniqueSuffix()}:`;
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  });

  it('reads what Flask-Session wrote and merges into it, as with node-redis', async () => {
    await client.connect();
    const record = recordsOf('redis').find((r) => r.case === 'binary')!;
    await client.set(`${prefix}s1`, rawOf(record), 'EX', 60);
    const store = new RedisRecordStore({ client, prefix });
    expect(tag(await store.get('s1'))).toEqual(record.flask_reads_back);
    await store.apply('s1', { set: { extra: 1 }, delete: ['pair'] }, 60_000);
    const { pair: _pair, ...rest } = record.flask_reads_back;
    expect(tag(await store.get('s1'))).toEqual({ ...rest, extra: 1 });
    await store.touch('s1', 120_000);
    expect(await client.pttl(`${prefix}s1`)).toBeGreaterThan(60_000);
    await store.destroy('s1');
    expect(await client.exists(`${prefix}s1`)).toBe(0);
  });
});

describe('CachelibFileStore: cachelib threshold and item counter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'micro-cachelib-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps at most `threshold` entries, dropping the soonest to expire, and keeps the count cachelib reads', async () => {
    let now = 1_800_000_000_000;
    const store = new CachelibFileStore({ dir, threshold: 3, now: () => now });
    for (let i = 1; i <= 5; i++) await store.set(`sid${i}`, { n: i }, i * 60_000); // sid1 expires first
    const count = decodeCachelibFile(readFileSync(join(dir, cachelibFileName(CACHELIB_COUNT_KEY, 'sha256'))));
    expect(count).toEqual({ expiresAtS: 0, value: 3 });
    expect(await store.get('sid1')).toBeNull();
    expect(await store.get('sid2')).toBeNull();
    expect(await store.get('sid5')).toEqual({ n: 5 });
    now += 4 * 60_000 + 1000; // sid3 and sid4 expire
    expect(await store.cleanup()).toBe(2);
    expect(decodeCachelibFile(readFileSync(join(dir, cachelibFileName(CACHELIB_COUNT_KEY, 'sha256')))).value).toBe(1);
    // No lock or temp file is left behind.
    expect(readdirSync(dir).filter((n) => n.includes('.__wz_cache'))).toEqual([]);
  });

  it('refuses a Date with a how-to, before touching the file', async () => {
    const store = new CachelibFileStore({ dir });
    await expect(store.set('d', { when: new Date() }, 60_000)).rejects.toThrow(PickleError);
    expect(await store.get('d')).toBeNull();
  });
});

describe.skipIf(!memcached.available)('MemcachedRecordStore when memcached fails', () => {
  it('answers 503 while memcached is down, then works again once it is back', async () => {
    const server = await startMemcached();
    try {
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'memcached';
        a.config.SESSION_MEMCACHED_SERVERS = `127.0.0.1:${server.port}`;
      }, { SESSION_RECORD_FORMAT: 'flask-session' });
      const client = app.testClient();
      expect((await client.post('/set?key=k&value=v')).status).toBe(200);
      await server.kill();
      expect((await client.get('/')).status).toBe(503);
      expect(app.logs.error.join('\n')).toMatch(/Session store 'memcached' is unavailable/);
      await server.restart();
      // The data was in memcached's memory, so it is gone; the store itself recovers.
      expect((await client.post('/set?key=k&value=again')).status).toBe(200);
      expect((await client.get('/data')).json()).toMatchObject({ k: 'again' });
      await app.close();
    } finally {
      await server.stop();
    }
  });

  it('fails a command with StoreUnavailableError when memcached stops answering, without waiting longer than its timeout', async () => {
    const server = await startMemcached();
    const client = new MemcachedTextClient({ host: '127.0.0.1', port: server.port, timeoutMs: 200 });
    const store = new MemcachedRecordStore({ client });
    try {
      await store.set('frozen', { a: 1 }, 60_000);
      await server.freeze();
      await expect(store.get('frozen')).rejects.toBeInstanceOf(StoreUnavailableError);
      server.signal('SIGCONT');
      // The store recovers once memcached answers again; on a busy machine that can take longer than one 200 ms attempt.
      let value: unknown;
      for (let attempt = 0; attempt < 25 && value === undefined; attempt++) {
        value = await store.get('frozen').catch((err: unknown) => {
          if (err instanceof StoreUnavailableError) return undefined;
          throw err;
        });
      }
      expect(value).toEqual({ a: 1 });
    } finally {
      client.close();
      await server.stop();
    }
  });

  it('refuses a value larger than its limit instead of buffering it', async () => {
    const server = await startMemcached();
    const writer = new MemcachedTextClient({ host: '127.0.0.1', port: server.port });
    const reader = new MemcachedTextClient({ host: '127.0.0.1', port: server.port, maxValueBytes: 1000 });
    try {
      await writer.store('set', 'session:big', Buffer.alloc(5000, 1), 60);
      await expect(new MemcachedRecordStore({ client: reader }).get('big')).rejects.toThrow(/over the 1000-byte limit/);
    } finally {
      writer.close();
      reader.close();
      await server.stop();
    }
  });
});
