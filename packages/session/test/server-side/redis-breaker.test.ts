/**
 * Store outages over HTTP against a real redis-server this test starts and
 * freezes (SIGSTOP: connected, but it never answers, as a hung Redis). The
 * circuit breaker opens after SESSION_BREAKER_THRESHOLD timeouts; while open,
 * requests answer 503 with Retry-After without a single store call (so they
 * never wait for the store timeout) and without a log line each; after the
 * cool-down one probe closes it and the same session is served again. The
 * clock of the breaker is the test's, so no test waits for a cool-down.
 *
 * Then SESSION_OUTAGE_READONLY: reading requests get an empty session, writes
 * answer 503, and nothing is written over the stored session.
 */
import type { App, Request, TestResponse } from '@micro/core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, sessions } from '../../src/index.js';
import { breakerFromConfig } from '../../src/server-side/breaker-from-config.js';
import { serverSession, ServerSideSessionInterface, type OutageMode } from '../../src/server-side/index.js';
import { CircuitBreakerStore } from '../../src/stores/circuit-breaker.js';
import { RedisStore } from '../../src/stores/redis-store.js';
import { hasBinary, startRedis, type LocalServer } from '../stores/local-servers.js';
import { checkService, uniqueSuffix } from '../stores/services.js';
import { COOKIE, login, RecordingStore, serverSideApp, sidOf, type TestApp } from './app.js';

const binary = await checkService('redis-server (local binary for outage tests)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

const TIMEOUT_MS = 300; // the store's command timeout: what every request waits while the breaker is closed
const COOLDOWN_S = 30;

type RedisClient = ReturnType<typeof createClient>;

describe.skipIf(!binary.available)('server-side sessions while Redis hangs (real redis-server, frozen)', () => {
  let server: LocalServer;
  let client: RedisClient;
  beforeAll(async () => {
    server = await startRedis();
    client = createClient({ url: `redis://127.0.0.1:${server.port}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    server?.signal('SIGCONT');
    await client?.quit().catch(() => client.destroy());
    await server?.stop();
  });

  /**
   * The test app with SESSION_TYPE redis, its store rebuilt with a short
   * timeout, recorded (so the test sees which calls reach Redis), and put
   * behind the breaker exactly as `sessions(app)` does, on a test clock.
   */
  function hungRedisApp(config: Record<string, unknown> = {}) {
    let now = 1_700_000_000_000;
    const app = serverSideApp(
      (a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
      },
      { SESSION_KEY_PREFIX: `breaker-${uniqueSuffix()}:`, SESSION_BREAKER_THRESHOLD: 3, SESSION_BREAKER_COOLDOWN: COOLDOWN_S, ...config },
    );
    app.store = new RecordingStore(new RedisStore({ client, prefix: app.config.SESSION_KEY_PREFIX, commandTimeoutMs: TIMEOUT_MS }));
    const breaker = breakerFromConfig(app, app.store, { clock: () => now }) as CircuitBreakerStore;
    const si = new ServerSideSessionInterface(breaker);
    app.sessionInterface = si;
    return {
      app,
      breaker,
      si,
      advance(ms: number) {
        now += ms;
      },
    };
  }

  function expect503(r: TestResponse, retryAfter: string): void {
    expect(r.status).toBe(503);
    expect(r.text).toContain('The session store is unavailable');
    expect(r.headers.get('retry-after')).toBe(retryAfter);
    expect(r.headers.getSetCookie()).toEqual([]);
  }

  it('opens after 3 timeouts, then answers 503 without touching Redis, and serves the same session after recovery', async () => {
    const { app, breaker, si, advance } = hungRedisApp();
    const client1 = app.testClient();
    const sid = await login(client1);
    const cookie = client1.cookies.get(COOKIE)!;
    const stored = await app.store.inner.get(sid);
    expect(stored).toEqual({ _permanent: true, username: 'alice' });
    expect(await si.health()).toMatchObject({ ok: true, store: 'redis', state: 'closed' });

    await server.freeze();
    try {
      // Closed: each request waits for the store's timeout (one Redis call each) and logs one line.
      for (let i = 1; i <= 3; i++) {
        app.store.reset();
        const logs = app.logs.error.length;
        expect503(await client1.get('/'), '1');
        expect(app.store.ops).toEqual(['get']);
        expect(app.logs.error.slice(logs).filter((l) => l.includes(`no answer within ${TIMEOUT_MS} ms`))).toHaveLength(1);
      }
      expect(breaker.state).toBe('open');
      expect(app.logs.error.filter((l) => l.includes('circuit breaker open'))).toEqual([
        `[session] The 'redis' store failed 3 times in a row: circuit breaker open, session requests answer 503 at once for ${COOLDOWN_S} s.`,
      ]);

      // Open: reads, writes and a logout all answer 503 at once — not one call reaches Redis,
      // so none of them waits for the timeout — and none adds a log line.
      app.store.reset();
      const logs = { error: app.logs.error.length, warn: app.logs.warn.length };
      for (let i = 0; i < 20; i++) expect503(await client1.get('/'), String(COOLDOWN_S));
      expect503(await client1.post('/set?key=k&value=v'), String(COOLDOWN_S));
      expect503(await client1.post('/logout'), String(COOLDOWN_S));
      advance(12_500);
      expect503(await client1.get('/'), '18'); // the rest of the cool-down, rounded up
      expect(app.store.calls).toEqual([]);
      expect([app.logs.error.length, app.logs.warn.length]).toEqual([logs.error, logs.warn]);
      expect(client1.cookies.get(COOKIE)).toBe(cookie);

      // A visitor without a session cookie needs no store: still served.
      const visitor = app.testClient();
      expect((await visitor.get('/')).text).toBe('anonymous');

      // The readiness check says so, at once.
      expect(await sessions.health(app)).toMatchObject({ ok: false, store: 'redis', state: 'open' });
      expect((await si.health()).error).toMatch(/circuit breaker open/);
      expect(app.store.calls).toEqual([]);

      // Cool-down over, Redis still hung: the probe waits for the timeout, the breaker opens again.
      advance((COOLDOWN_S - 12.5) * 1000);
      expect(breaker.state).toBe('half-open');
      expect503(await client1.get('/'), '1');
      expect(app.store.ops).toEqual(['get']);
      expect(breaker.state).toBe('open');
      expect(app.logs.warn.at(-1)).toBe(`[session] The 'redis' store is still unavailable: circuit breaker open for another ${COOLDOWN_S} s.`);
    } finally {
      server.signal('SIGCONT');
    }

    // Redis is back; once the cool-down is over the next request is the probe, and it is served.
    app.store.reset();
    expect503(await client1.get('/'), String(COOLDOWN_S));
    expect(app.store.calls).toEqual([]);
    advance(COOLDOWN_S * 1000);
    const back = await client1.get('/');
    expect([back.status, back.text]).toEqual([200, 'alice']);
    expect(sidOf(client1)).toBe(sid);
    expect(breaker.state).toBe('closed');
    expect(app.logs.info.at(-1)).toBe("[session] The 'redis' store answers again: circuit breaker closed.");
    // Nothing was written during the outage, nothing over the session.
    expect(await app.store.inner.get(sid)).toEqual(stored);
    expect((await client1.post('/set?key=k&value=v')).status).toBe(200);
    expect(await app.store.inner.get(sid)).toEqual({ ...stored, k: 'v' });
    expect(await sessions.health(app)).toMatchObject({ ok: true, store: 'redis', state: 'closed' });
  });

  it('with SESSION_OUTAGE_READONLY, GETs get an empty read-only session, other methods fail on first use', async () => {
    const { app, breaker, advance } = hungRedisApp({ SESSION_OUTAGE_READONLY: true, SESSION_BREAKER_THRESHOLD: 2 });
    app.get('/count-visit', function countVisit() {
      session.set('visits', Number(session.get('visits') ?? 0) + 1);
      return 'counted';
    });
    app.get('/touch-by-hand', function touchByHand() {
      session.modified = true;
      return 'marked';
    });
    app.get('/logout-on-get', function logoutOnGet() {
      serverSession.destroy();
      return 'logged out';
    });
    app.post('/ping', function ping() {
      return 'pong';
    });
    app.post('/whoami', function whoami() {
      return String(session.get('username') ?? 'anonymous');
    });
    app.get('/status', function status() {
      return { unavailable: (session as unknown as { storeUnavailable?: boolean }).storeUnavailable === true, user: session.get('username') ?? null };
    });
    const c = app.testClient();
    const sid = await login(c);
    const cookie = c.cookies.get(COOKIE)!;
    const stored = await app.store.inner.get(sid);

    await server.freeze();
    try {
      // Still waiting for the timeout (closed), but the read gets an empty session, not a 503.
      const read = await c.get('/');
      expect([read.status, read.text, read.headers.getSetCookie()]).toEqual([200, 'anonymous', []]);
      expect(read.headers.get('vary')).toBe('Cookie');
      expect(app.logs.error.filter((l) => l.includes(`no answer within ${TIMEOUT_MS} ms`))).toHaveLength(1);
      expect((await c.get('/status')).json()).toEqual({ unavailable: true, user: null });
      expect(breaker.state).toBe('open');

      // Open: same answers, without a store call.
      app.store.reset();
      expect((await c.get('/data')).json()).toEqual({});
      expect((await c.get('/')).text).toBe('anonymous');
      // A write from a reading route stops there with a 503, and so does a change marked by hand.
      for (const path of ['/count-visit', '/touch-by-hand', '/logout-on-get']) {
        const r = await c.get(path);
        expect([path, r.status, r.headers.get('retry-after'), r.headers.getSetCookie()]).toEqual([path, 503, String(COOLDOWN_S), []]);
        expect(r.text).toContain('the session cannot be changed');
      }
      // Other methods are not served read-only: a POST that reads or writes the session answers 503,
      // rather than act for a user who only looks logged out; one that never touches it is served.
      for (const path of ['/set?key=k&value=v', '/whoami']) {
        const post = await c.post(path);
        expect([path, post.status, post.headers.get('retry-after'), post.headers.getSetCookie()]).toEqual([path, 503, String(COOLDOWN_S), []]);
      }
      expect((await c.post('/whoami')).text).toContain('the session cannot be read');
      expect((await c.post('/ping')).text).toBe('pong');
      expect((await c.get('/peek')).text).toBe('no session used');
      expect(app.store.calls).toEqual([]);
      expect(c.cookies.get(COOKIE)).toBe(cookie);
    } finally {
      server.signal('SIGCONT');
    }

    advance(COOLDOWN_S * 1000);
    const back = await c.get('/');
    expect([back.status, back.text]).toEqual([200, 'alice']);
    expect(sidOf(c)).toBe(sid);
    expect(await app.store.inner.get(sid)).toEqual(stored);
    expect((await c.get('/count-visit')).status).toBe(200);
    expect(await app.store.inner.get(sid)).toEqual({ ...stored, visits: 1 });
  });

  it('outageMode() chooses by route: here only the front page is served read-only, the rest fails as without the key', async () => {
    class FrontPageReadOnly extends ServerSideSessionInterface {
      override outageMode(_app: App, request: Request): OutageMode {
        return request.endpoint === 'index' ? 'read-only' : 'fail';
      }
    }
    const { app, breaker } = hungRedisApp({ SESSION_BREAKER_THRESHOLD: 1 });
    app.sessionInterface = new FrontPageReadOnly(breaker);
    const c = app.testClient();
    await login(c);
    await server.freeze();
    try {
      const front = await c.get('/');
      expect([front.status, front.text]).toEqual([200, 'anonymous']);
      expect(breaker.state).toBe('open');
      const data = await c.get('/data');
      expect([data.status, data.headers.get('retry-after')]).toEqual([503, String(COOLDOWN_S)]);
      // 'fail' answers before the view: even a route that never uses the session.
      expect((await c.get('/peek')).status).toBe(503);
    } finally {
      server.signal('SIGCONT');
    }
  });

  it('SESSION_STORE_TIMEOUT is how long a store built from the config waits for a hung Redis', async () => {
    const app = serverSideApp(
      (a) => {
        a.config.SESSION_TYPE = 'redis';
        a.config.SESSION_REDIS = client;
      },
      { SESSION_KEY_PREFIX: `timeout-${uniqueSuffix()}:`, SESSION_STORE_TIMEOUT: 0.25 },
    );
    const c = app.testClient();
    await login(c);
    await server.freeze();
    try {
      const before = app.logs.error.length;
      expect503(await c.get('/'), '1');
      expect(app.logs.error.slice(before)).toEqual([expect.stringContaining("Session store 'redis' is unavailable: no answer within 250 ms.")]);
    } finally {
      server.signal('SIGCONT');
    }
    expect((await c.get('/')).text).toBe('alice');
  });

  it('sessions(app) puts the Redis store behind a breaker built from the config', () => {
    const app = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS = client;
    });
    const installed = sessions(app) as ServerSideSessionInterface;
    expect(installed.store).toBeInstanceOf(CircuitBreakerStore);
    expect((installed.store as CircuitBreakerStore).inner).toBeInstanceOf(RedisStore);
    const off = serverSideApp((a) => {
      a.config.SESSION_TYPE = 'redis';
      a.config.SESSION_REDIS = client;
    }, { SESSION_BREAKER_THRESHOLD: 0 }) as TestApp;
    expect((sessions(off) as ServerSideSessionInterface).store).toBeInstanceOf(RedisStore);
  });
});
