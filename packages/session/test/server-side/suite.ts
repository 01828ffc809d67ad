/**
 * One HTTP-level suite for server-side sessions, run against every store by
 * a small *.test.ts per backend: login/read/logout, nothing stored for empty
 * sessions, read-only requests touch instead of rewriting, fresh ids for
 * unknown/expired/tampered cookies, regenerate/destroy, nested changes, the
 * Flask-Session cookie format, msgpack, and many concurrent requests on one
 * session each changing its own key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from '@micro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../src/index.js';
import { ServerSideSessionInterface, type ServerSideSessionType } from '../../src/server-side/index.js';
import { uniqueSuffix } from '../stores/services.js';
import { COOKIE, flaskSessionSigner, login, serverSideApp, sidOf, type TestApp } from './app.js';

export interface ServerSideHarness {
  type: ServerSideSessionType;
  /** Put the store's client and options into the config (SESSION_REDIS, SESSION_SQL_TABLE…). */
  configure(app: App): void;
  /** Close what the harness opened. */
  teardown?(): Promise<void>;
}

/** The harness of a Redis-backed run: SESSION_REDIS is the given client, closed with `close`. */
export function redisHarness(client: unknown, close: () => Promise<unknown>): ServerSideHarness {
  return {
    type: 'redis',
    configure(app) {
      app.config.SESSION_REDIS = client as App['config']['SESSION_REDIS'];
    },
    teardown: async () => void (await close()),
  };
}

export interface SuiteOptions {
  /** Expected `store.name`, e.g. 'redis' or 'sql:postgres'. */
  storeName: string;
  /** Concurrent requests fired at one session. Default 40. */
  concurrency?: number;
}

export function runServerSideSuite(label: string, create: () => Promise<ServerSideHarness>, options: SuiteOptions): void {
  describe(`${label}: server-side sessions over HTTP`, () => {
    let harness: ServerSideHarness;
    // Every app of this suite shares one key prefix, apart from other runs and files.
    const prefix = `test:ss:${uniqueSuffix()}:`;
    const makeApp = (config: Record<string, unknown> = {}): TestApp =>
      serverSideApp((app) => {
        app.config.SESSION_TYPE = harness.type;
        app.config.SESSION_KEY_PREFIX = prefix;
        harness.configure(app);
      }, config);

    beforeAll(async () => {
      harness = await create();
    });
    afterAll(async () => {
      await harness?.teardown?.();
    });

    it(`SESSION_TYPE '${options.storeName}' installs the server-side interface on that store`, () => {
      const app = makeApp();
      const si = sessions(app);
      expect(si).toBeInstanceOf(ServerSideSessionInterface);
      expect((si as ServerSideSessionInterface).store.name).toBe(options.storeName);
    });

    it('logs in, reads and logs out, with a Flask-Session signed id cookie', async () => {
      const app = makeApp();
      const client = app.testClient();
      expect((await client.get('/')).text).toBe('anonymous');
      const r = await client.post('/login', { form: { username: 'alice' } });
      expect(r.status).toBe(200);
      const [setCookie] = r.headers.getSetCookie();
      expect(setCookie).toMatch(/^session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{27}; Expires=[^;]+; HttpOnly; Path=\/; SameSite=Lax$/);
      expect(r.headers.get('vary')).toBe('Cookie');
      const cookie = client.cookies.get(COOKIE)!;
      const sid = flaskSessionSigner.unsign(cookie); // an independent itsdangerous-compatible signer accepts it
      expect(await app.store.inner.get(sid)).toEqual({ _permanent: true, username: 'alice' });

      expect((await client.get('/')).text).toBe('alice');

      const out = await client.post('/logout');
      expect(out.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;/)]);
      expect(client.cookies.get(COOKIE)).toBeUndefined();
      expect(await app.store.inner.get(sid)).toBeNull();
      expect((await client.get('/')).text).toBe('anonymous');
    });

    it('stores nothing and sets no cookie for a visitor whose session stays empty', async () => {
      const app = makeApp();
      const client = app.testClient();
      for (const r of [await client.get('/'), await client.get('/peek'), await client.get('/data'), await client.post('/set-and-delete'), await client.post('/regenerate')]) {
        expect(r.status).toBe(200);
        expect(r.headers.getSetCookie()).toEqual([]);
      }
      expect(app.store.ops.filter((op) => op !== 'get')).toEqual([]);
      // No cookie, so not even a lookup: a first visit costs no store round trip.
      expect(app.store.ops).toEqual([]);
    });

    it('a read-only request does not rewrite the record; a permanent session is touched (TTL extended)', async () => {
      const app = makeApp({ PERMANENT_SESSION_LIFETIME: 3600 });
      const client = app.testClient();
      const sid = await login(client);
      app.store.reset();
      const r = await client.get('/');
      expect(r.text).toBe('alice');
      expect(app.store.ops).toEqual(['get', 'touch']);
      expect(app.store.calls[1]).toMatchObject({ id: sid, ttlMs: 3_600_000 });
      // Flask re-sends a permanent session's cookie to move its Expires; the id is unchanged.
      expect(sidOf(client)).toBe(sid);
      expect(r.headers.getSetCookie()).toHaveLength(1);
    });

    it('without SESSION_REFRESH_EACH_REQUEST, or for a non-permanent session, a read costs one get and sets no cookie', async () => {
      for (const config of [{ SESSION_REFRESH_EACH_REQUEST: false }, { SESSION_PERMANENT: false }]) {
        const app = makeApp(config);
        const client = app.testClient();
        await login(client);
        app.store.reset();
        const r = await client.get('/');
        expect(r.text).toBe('alice');
        expect(app.store.ops).toEqual(['get']);
        expect(r.headers.getSetCookie()).toEqual([]);
      }
    });

    it('a non-permanent session gets a browser-session cookie and the same store lifetime', async () => {
      const app = makeApp({ SESSION_PERMANENT: false, PERMANENT_SESSION_LIFETIME: 600 });
      const client = app.testClient();
      const r = await client.post('/set?key=k&value=v');
      expect(r.headers.getSetCookie()[0]).not.toMatch(/Expires=/);
      expect(app.store.calls.find((c) => c.op === 'set')?.ttlMs).toBe(600_000);
      expect(await app.store.inner.get(sidOf(client)!)).toEqual({ k: 'v' });
    });

    it('session.permanent = false on a permanent session makes its cookie a browser-session cookie', async () => {
      const app = makeApp();
      const client = app.testClient();
      await login(client);
      const r = await client.post('/not-permanent');
      expect(r.headers.getSetCookie()[0]).not.toMatch(/Expires=/);
      expect(await app.store.inner.get(sidOf(client)!)).toMatchObject({ _permanent: false, temp: true });
    });

    it('a tampered, unsigned or unknown id opens a fresh session under a new id (no fixation)', async () => {
      const app = makeApp();
      const victim = app.testClient();
      const realSid = await login(victim);
      const real = victim.cookies.get(COOKIE)!;
      const planted = flaskSessionSigner.sign('attacker-chosen-id-0123456789abcdef');
      const cookies = [real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA'), realSid, planted, 'garbage', `${realSid}.`];
      for (const value of cookies) {
        const client = app.testClient();
        client.cookies.set(COOKIE, value);
        expect((await client.get('/')).text).toBe('anonymous');
        await client.post('/set?key=k&value=v');
        const sid = sidOf(client)!;
        expect(sid).not.toBe(realSid);
        expect(sid).not.toBe('attacker-chosen-id-0123456789abcdef');
        expect(await app.store.inner.get(sid)).toEqual({ _permanent: true, k: 'v' });
      }
      expect(await app.store.inner.get('attacker-chosen-id-0123456789abcdef')).toBeNull();
      // The real session was never touched by any of that.
      expect(await app.store.inner.get(realSid)).toEqual({ _permanent: true, username: 'alice' });
    });

    it('an expired session is gone: the next request starts a fresh one', async () => {
      const app = makeApp({ PERMANENT_SESSION_LIFETIME: 1 });
      const client = app.testClient();
      const sid = await login(client);
      // Keep the cookie (the browser would drop it at Expires, a forged one would not).
      const value = client.cookies.get(COOKIE)!;
      await sleep(2_100); // 1 s lifetime plus memcached's whole-second clock
      client.cookies.set(COOKIE, value);
      expect((await client.get('/')).text).toBe('anonymous');
      await client.post('/set?key=k&value=v');
      expect(sidOf(client)).not.toBe(sid);
    });

    it('regenerate() moves the data to a new id and deletes the old record', async () => {
      const app = makeApp();
      const client = app.testClient();
      await client.post('/set?key=cart&value=3');
      const before = sidOf(client)!;
      const after = await login(client); // the login route calls regenerate()
      expect(after).not.toBe(before);
      expect(await app.store.inner.get(before)).toBeNull();
      expect(await app.store.inner.get(after)).toEqual({ _permanent: true, cart: '3', username: 'alice' });
      expect((await client.post('/regenerate')).status).toBe(200);
      const third = sidOf(client)!;
      expect(third).not.toBe(after);
      expect(await app.store.inner.get(after)).toBeNull();

      // The old cookie no longer opens anything.
      const attacker = app.testClient();
      attacker.cookies.set(COOKIE, flaskSessionSigner.sign(before));
      expect((await attacker.get('/')).text).toBe('anonymous');
    });

    it('destroy() removes record and cookie; writing after it starts a new session', async () => {
      const app = makeApp();
      const client = app.testClient();
      const sid = await login(client);
      const r = await client.post('/logout-then-write');
      const fresh = sidOf(client)!;
      expect(fresh).not.toBe(sid);
      expect(await app.store.inner.get(sid)).toBeNull();
      expect(await app.store.inner.get(fresh)).toEqual({ _permanent: true, after: 'destroy' });
      expect(r.headers.getSetCookie()).toHaveLength(1);
    });

    it('saves per-key deltas: a nested change and a delete write only their keys', async () => {
      const app = makeApp();
      const client = app.testClient();
      await login(client);
      await client.post('/push?value=1');
      app.store.reset();
      await client.post('/push?value=2');
      await client.post('/delete?key=username');
      const applies = app.store.calls.filter((c) => c.op === 'apply').map((c) => c.changes);
      expect(applies).toEqual([
        { set: { list: [1, 2] }, delete: [] },
        { set: {}, delete: ['username'] },
      ]);
      expect((await client.get('/data')).json()).toEqual({ _permanent: true, list: [1, 2] });
    });

    it('emptying a stored session deletes its record and cookie', async () => {
      const app = makeApp({ SESSION_PERMANENT: false });
      const client = app.testClient();
      await client.post('/set?key=only&value=1');
      const sid = sidOf(client)!;
      const r = await client.post('/delete?key=only');
      expect(r.headers.getSetCookie()[0]).toMatch(/^session=; Expires=Thu, 01 Jan 1970/);
      expect(await app.store.inner.get(sid)).toBeNull();
    });

    it(`keeps every key when ${options.concurrency ?? 40} concurrent requests on one session each set a different key`, async () => {
      const n = options.concurrency ?? 40;
      const app = makeApp();
      const client = app.testClient();
      await login(client);
      const sid = sidOf(client)!;
      const responses = await Promise.all(Array.from({ length: n }, (_, i) => client.post(`/set?key=k${i}&value=${i}&delay=20`)));
      expect(responses.map((r) => r.status)).toEqual(Array(n).fill(200));
      // The requests really overlapped: at some point several were open (read) and not yet saved.
      let open = 0;
      let mostOpen = 0;
      for (const op of app.store.ops.slice(app.store.ops.indexOf('set') + 1)) {
        open += op === 'get' ? 1 : op === 'apply' ? -1 : 0;
        mostOpen = Math.max(mostOpen, open);
      }
      expect(mostOpen).toBeGreaterThan(1);
      const expected: Record<string, unknown> = { _permanent: true, username: 'alice' };
      for (let i = 0; i < n; i++) expected[`k${i}`] = String(i);
      expect(sidOf(client)).toBe(sid);
      expect((await client.get('/data')).json()).toEqual(expected);
    });

    it('sessionTransaction() reads and writes the same stored session', async () => {
      const app = makeApp();
      const client = app.testClient();
      await login(client);
      await client.sessionTransaction((s) => {
        expect(s.get('username')).toBe('alice');
        s.set('from', 'transaction');
      });
      expect((await client.get('/data')).json()).toMatchObject({ username: 'alice', from: 'transaction' });
    });

    it('SESSION_SERIALIZATION_FORMAT msgpack stores binary values intact', async () => {
      const app = makeApp({ SESSION_SERIALIZATION_FORMAT: 'msgpack' });
      const client = app.testClient();
      await login(client);
      await client.post('/bytes');
      expect((await client.get('/bytes')).json()).toEqual({ isBytes: true, bytes: [0, 1, 2, 253, 254, 255] });
      expect((await client.get('/')).text).toBe('alice');
    });

    it('SECRET_KEY_FALLBACKS: an id signed with an old key is still accepted, and re-signed with the new one', async () => {
      const old = makeApp();
      const client = old.testClient();
      const sid = await login(client);
      const rotated = makeApp({ SECRET_KEY: 'a brand new key', SECRET_KEY_FALLBACKS: [old.config.SECRET_KEY] });
      rotated.sessionInterface = new ServerSideSessionInterface(old.store); // the memory store lives in one app
      const next = rotated.testClient();
      next.cookies.set(COOKIE, client.cookies.get(COOKIE)!);
      const r = await next.get('/');
      expect(r.text).toBe('alice');
      expect(next.cookies.get(COOKIE)).not.toBe(client.cookies.get(COOKIE));
      expect(sidOf(next)).toBe(sid);
    });
  });
}
