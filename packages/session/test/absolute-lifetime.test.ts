/**
 * SESSION_ABSOLUTE_LIFETIME on cookie sessions (signed and encrypted), driven
 * through the test client under a fake clock (`Date` only: cookie signing,
 * JWE `iat`, the test client's cookie jar and the limit all read it).
 */
import { Config, type AppTestClient } from '@micro/core';
import {
  CREATED_KEY,
  JweCookieCodec,
  dumpsSessionCookie,
  loadsSessionCookie,
  session,
  sessions,
} from '@micro/session';
import { describe, expect, it } from 'vitest';
import { quietApp, tick, useFakeDate } from './helpers.js';

const SECRET = 'absolute lifetime test secret';
const START = Date.UTC(2026, 0, 1, 9, 0, 0); // a whole second
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

useFakeDate(START);

/** An active user: `minutes` minutes with one request a minute (each re-signs a permanent session). */
async function browse(client: AppTestClient, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    tick(MINUTE);
    const r = await client.get('/');
    if (r.text !== 'ada') throw new Error(`logged out after ${i + 1} of ${minutes} minutes`);
  }
}

function cookieApp(type: 'cookie' | 'encrypted-cookie', config: Record<string, unknown> = {}) {
  const app = quietApp({
    config: { SECRET_KEY: SECRET, SESSION_TYPE: type, PERMANENT_SESSION_LIFETIME: 30 * 60, SESSION_ABSOLUTE_LIFETIME: 3600, ...config },
  });
  sessions(app);
  app.post('/login', function login() {
    if (app.config.get('TEST_PERMANENT', true)) session.permanent = true;
    session.set('user', 'ada');
    return 'ok';
  });
  app.post('/relogin', function relogin() {
    session.regenerate();
    return 'ok';
  });
  app.get('/', function whoami() {
    return String(session.get('user') ?? 'anonymous');
  });
  app.get('/keys', function keys() {
    return { keys: [...session.keys()], createdAt: session.createdAt ?? null, object: session.toObject() };
  });
  app.post('/own-created', function ownCreated() {
    session.set(CREATED_KEY, 1); // an app writing the reserved key cannot move the creation time
    return 'ok';
  });
  return app;
}

/** The session cookie's data, read with the app's keys (no age check). */
function payload(type: 'cookie' | 'encrypted-cookie', value: string): Record<string, unknown> {
  if (type === 'cookie') return loadsSessionCookie(value, SECRET);
  return new JweCookieCodec({ secretKey: SECRET }).decrypt(value);
}

function expiresOf(setCookie: string): number {
  return Date.parse(/Expires=([^;]+)/.exec(setCookie)![1]!);
}

for (const type of ['cookie', 'encrypted-cookie'] as const) {
  describe(`SESSION_ABSOLUTE_LIFETIME with SESSION_TYPE '${type}'`, () => {
    it('ends a session an hour after login even with a request every minute (the idle limit keeps sliding)', async () => {
      const app = cookieApp(type);
      const client = app.testClient();
      await client.post('/login');
      expect(payload(type, client.cookies.get('session')!)[CREATED_KEY]).toBe(START / 1000);
      for (let minute = 1; minute < 60; minute++) {
        tick(MINUTE);
        const r = await client.get('/');
        expect(r.text, `minute ${minute}`).toBe('ada');
        // The idle limit is 30 minutes; the cookie never reaches past the absolute one.
        const expires = expiresOf(r.headers.getSetCookie()[0]!);
        expect(expires).toBe(Math.min(Date.now() + 30 * MINUTE, START + HOUR));
      }
      tick(MINUTE);
      expect((await client.get('/')).text).toBe('anonymous');
    });

    it('refuses a cookie replayed after the limit, though it was signed a minute ago and its idle limit holds', async () => {
      const app = cookieApp(type);
      const client = app.testClient();
      await client.post('/login');
      await browse(client, 59); // the last request re-signed it, with Expires cut to the absolute limit
      const kept = client.cookies.get('session')!;
      tick(2 * MINUTE);
      // The jar dropped the cookie at its Expires; an attacker who copied it sends it anyway.
      expect(client.cookies.get('session')).toBeUndefined();
      const replay = app.testClient();
      replay.cookies.set('session', kept);
      const r = await replay.get('/');
      expect(r.text).toBe('anonymous');
      // The stale cookie is deleted, as for a session emptied during the request.
      expect(r.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;/)]);
    });

    it('gives a browser-session (non-permanent) cookie no Expires, but still ends it at the limit', async () => {
      // Browser-session cookies are not re-signed on reads: an idle limit past the absolute one keeps it out of the way.
      const app = cookieApp(type, { TEST_PERMANENT: false, PERMANENT_SESSION_LIFETIME: 2 * 3600 });
      const client = app.testClient();
      const login = await client.post('/login');
      expect(login.headers.getSetCookie()[0]).not.toMatch(/Expires=/);
      const kept = client.cookies.get('session')!;
      tick(HOUR - 1000);
      expect((await client.get('/')).text).toBe('ada');
      tick(1000);
      const replay = app.testClient();
      replay.cookies.set('session', kept);
      expect((await replay.get('/')).text).toBe('anonymous');
    });

    it('keeps the creation time out of the keys; an app writing _created itself does not move it', async () => {
      const app = cookieApp(type);
      const client = app.testClient();
      await client.post('/login');
      tick(10 * MINUTE);
      expect((await client.get('/keys')).json()).toEqual({ keys: ['_permanent', 'user'], createdAt: START / 1000, object: { _permanent: true, user: 'ada' } });
      await client.post('/own-created');
      expect(payload(type, client.cookies.get('session')!)[CREATED_KEY]).toBe(START / 1000);
      expect((await client.get('/keys')).json()).toMatchObject({ keys: ['_permanent', 'user'], createdAt: START / 1000 });
    });

    it('regenerate() (call it on login) restarts the limit', async () => {
      const app = cookieApp(type);
      const client = app.testClient();
      await client.post('/login');
      await browse(client, 50);
      await client.post('/relogin');
      expect(payload(type, client.cookies.get('session')!)[CREATED_KEY]).toBe((START + 50 * MINUTE) / 1000);
      await browse(client, 59); // 109 minutes after the first login
      tick(MINUTE); // 60 after the second
      expect((await client.get('/')).text).toBe('anonymous');
    });

    it('stamps a session made before the key was set on its next request, and counts from then', async () => {
      const idle = { PERMANENT_SESSION_LIFETIME: 4 * 3600 }; // browser-session cookies are not re-signed on reads
      const before = cookieApp(type, { ...idle, SESSION_ABSOLUTE_LIFETIME: null, TEST_PERMANENT: false });
      const client = before.testClient();
      await client.post('/login');
      expect(payload(type, client.cookies.get('session')!)).toEqual({ user: 'ada' });
      tick(2 * HOUR);
      // Deployed with the key: the old (non-permanent, unmodified) session is written once to carry its creation time.
      const after = cookieApp(type, { ...idle, TEST_PERMANENT: false });
      const c2 = after.testClient();
      c2.cookies.set('session', client.cookies.get('session')!);
      const r = await c2.get('/');
      expect(r.text).toBe('ada');
      expect(r.headers.getSetCookie()).toHaveLength(1);
      expect(payload(type, c2.cookies.get('session')!)).toEqual({ [CREATED_KEY]: (START + 2 * HOUR) / 1000, user: 'ada' });
      expect((await c2.get('/')).headers.getSetCookie()).toEqual([]); // once only
      tick(HOUR);
      expect((await c2.get('/')).text).toBe('anonymous');
    });

    it('an app without the key keeps Flask\'s cookie: no _created, and a _created key of its own is plain data', async () => {
      const app = cookieApp(type, { SESSION_ABSOLUTE_LIFETIME: null });
      const client = app.testClient();
      await client.post('/login');
      await client.post('/own-created');
      expect(payload(type, client.cookies.get('session')!)).toEqual({ _permanent: true, user: 'ada', [CREATED_KEY]: 1 });
      expect((await client.get('/keys')).json()).toEqual({ keys: ['_created', '_permanent', 'user'], createdAt: null, object: { _created: 1, _permanent: true, user: 'ada' } });
    });
  });
}

describe('an app without SESSION_ABSOLUTE_LIFETIME', () => {
  it('writes the very cookie it wrote before (byte for byte the Flask cookie for the same data and second)', async () => {
    const app = cookieApp('cookie', { SESSION_ABSOLUTE_LIFETIME: null });
    const client = app.testClient();
    await client.post('/login');
    expect(client.cookies.get('session')).toBe(dumpsSessionCookie({ _permanent: true, user: 'ada' }, SECRET, START / 1000));
    const r = await client.get('/');
    expect(r.headers.getSetCookie()[0]).toBe(
      `session=${dumpsSessionCookie({ _permanent: true, user: 'ada' }, SECRET, START / 1000)}; Expires=${new Date(START + 30 * MINUTE).toUTCString()}; HttpOnly; Path=/; SameSite=Lax`,
    );
  });

  it('with the key set, the same cookie plus _created (a Flask app with the key reads it as one more key)', async () => {
    const app = cookieApp('cookie');
    const client = app.testClient();
    await client.post('/login');
    expect(client.cookies.get('session')).toBe(dumpsSessionCookie({ _created: START / 1000, _permanent: true, user: 'ada' }, SECRET, START / 1000));
  });
});

describe('the SESSION_ABSOLUTE_LIFETIME key', () => {
  it('is off by default, takes seconds or a duration, and refuses 0, negatives and text', () => {
    expect(new Config().SESSION_ABSOLUTE_LIFETIME).toBeNull();
    const config = new Config({ SESSION_ABSOLUTE_LIFETIME: { hours: 8 } as unknown as number });
    config.validate();
    expect(config.SESSION_ABSOLUTE_LIFETIME).toBe(28_800);
    for (const bad of [0, -1, 'an hour', Number.NaN, { fortnights: 1 }]) {
      const c = new Config({ SESSION_ABSOLUTE_LIFETIME: bad as number });
      expect(() => c.validate(), JSON.stringify(bad)).toThrow(/SESSION_ABSOLUTE_LIFETIME must be a number of seconds greater than 0/);
    }
  });

  it('reads MICRO_SESSION_ABSOLUTE_LIFETIME as seconds, a JSON duration, or null', () => {
    const read = (raw: string) => new Config().fromEnv('MICRO_', { MICRO_SESSION_ABSOLUTE_LIFETIME: raw }).SESSION_ABSOLUTE_LIFETIME;
    expect(read('3600')).toBe(3600);
    expect(read('{"hours": 8, "minutes": 30}')).toBe(30_600);
    expect(read('null')).toBeNull();
    expect(() => read('8h')).toThrow(/MICRO_SESSION_ABSOLUTE_LIFETIME must be a number of seconds or a JSON duration/);
  });
});
