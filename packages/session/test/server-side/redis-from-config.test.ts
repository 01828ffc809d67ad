/**
 * SESSION_TYPE 'redis' from config alone: micro connects to SESSION_REDIS_URL,
 * else REDIS_URL, else redis://127.0.0.1:6379, and closes that connection with
 * the server.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, ServerSideSessionInterface } from '../../src/server-side/index.js';
import { defaultDriverLoader, type DriverLoader } from '../../src/server-side/driver-loader.js';
import { quietApp } from '../helpers.js';
import { checkService, freePort, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { login, SECRET, serverSideApp } from './app.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));

/** The same server on database `db`, so this file's connections can be told apart in CLIENT LIST. */
function onDb(db: number): string {
  const u = new URL(urls.redis);
  u.pathname = `/${db}`;
  return u.toString();
}

describe.skipIf(!redis.available)('SESSION_TYPE redis without a client', () => {
  const admin = createClient({ url: urls.redis });
  const prefix = `test:ss:cfg:${uniqueSuffix()}:`;
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    for (const db of [0, 12, 13, 14]) {
      await admin.select(db);
      for (const key of await admin.keys(`${prefix}*`)) await admin.del(key);
    }
    await admin.quit();
  });

  /** Clients connected to database `db`. */
  async function clientsOn(db: number): Promise<number> {
    const list = (await admin.clientList()) as Array<{ db: number }>;
    return list.filter((c) => Number(c.db) === db).length;
  }

  /**
   * Wait until no client is left on `db`. Redis frees a client that sent QUIT
   * after writing the reply, so a CLIENT LIST right after `close()` resolved
   * may still show it for a moment.
   */
  async function expectNoClientsOn(db: number): Promise<void> {
    await vi.waitFor(async () => expect(await clientsOn(db)).toBe(0), { timeout: 5_000, interval: 10 });
  }

  it("SESSION_TYPE='redis' alone connects to REDIS_URL or redis://127.0.0.1:6379, logs in and reads the session back", async () => {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_KEY_PREFIX = prefix;
    });
    const c = app.testClient();
    const sid = await login(c);
    expect((await c.get('/')).text).toBe('alice');
    await admin.select(0);
    expect(await admin.hGet(`${prefix}${sid}`, 'k:username')).toBe('"alice"');
    await app.close();
  });

  it('SESSION_REDIS_URL is used, and the connection closes with server.close()', async () => {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS_URL = onDb(13);
      a.config.SESSION_KEY_PREFIX = prefix;
    });
    const server = await app.listen(0, '127.0.0.1', { handleSignals: false });
    expect(await clientsOn(13)).toBe(0); // nothing is opened before a request needs the store
    const r = await fetch(`${server.url}/login`, { method: 'POST', body: new URLSearchParams({ username: 'bob' }) });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    expect(await (await fetch(`${server.url}/`, { headers: { cookie } })).text()).toBe('bob');
    expect(await clientsOn(13)).toBe(1);
    await server.close();
    await expectNoClientsOn(13);
  });

  it('SIGTERM closes the server and then the connection, before the process exits', async () => {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS_URL = onDb(12);
      a.config.SESSION_KEY_PREFIX = prefix;
    });
    const server = await app.listen(0, '127.0.0.1'); // handles SIGTERM and SIGINT
    await login(app.testClient());
    expect(await clientsOn(12)).toBe(1);
    const exited = new Promise<void>((resolve) => {
      vi.spyOn(process, 'exit').mockImplementationOnce((() => resolve()) as never);
    });
    process.emit('SIGTERM', 'SIGTERM');
    await exited;
    expect(server.server.listening).toBe(false);
    await expectNoClientsOn(12);
    vi.restoreAllMocks();
  });

  it('a SESSION_REDIS_URL nobody listens on answers 503 (store down), not a crash, while the client keeps retrying', async () => {
    const closedPort = await freePort();
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS_URL = `redis://127.0.0.1:${closedPort}`;
    });
    const c = app.testClient();
    const r = await c.post('/login', { form: { username: 'alice' } });
    expect(r.status).toBe(503);
    expect(app.logs.error.join('\n')).toMatch(/Session store 'redis' is unavailable/);
    expect((await c.post('/login', { form: { username: 'alice' } })).status).toBe(503);
    await app.close();
  });

  it('falls back to ioredis when node-redis is not installed', async () => {
    const withoutNodeRedis: DriverLoader = { ...defaultDriverLoader, has: (name) => name !== 'redis' && defaultDriverLoader.has(name) };
    const app = quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: 'redis', SESSION_REDIS_URL: onDb(14), SESSION_KEY_PREFIX: prefix } });
    app.sessionInterface = new ServerSideSessionInterface(createStore('redis', app, withoutNodeRedis));
    const { session } = await import('../../src/index.js');
    app.post('/login', () => {
      session.set('username', 'carol');
      return 'ok';
    });
    app.get('/', () => String(session.get('username')));
    const c = app.testClient();
    expect((await c.post('/login')).status).toBe(200);
    expect((await c.get('/')).text).toBe('carol');
    expect(await clientsOn(14)).toBe(1);
    await app.close();
    await expectNoClientsOn(14);
  });

  it('a client passed in still wins, and is left open', async () => {
    const client = createClient({ url: onDb(13), disableOfflineQueue: true });
    await client.connect();
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS = client;
      a.config.SESSION_REDIS_URL = 'redis://127.0.0.1:1';
      a.config.SESSION_KEY_PREFIX = prefix;
    });
    await login(app.testClient());
    await app.close();
    expect(client.isReady).toBe(true);
    expect(await clientsOn(13)).toBe(1);
    await client.quit();
  });
});
