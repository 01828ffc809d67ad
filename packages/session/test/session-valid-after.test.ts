/**
 * Cookie sessions have nothing stored server-side to revoke: SESSION_VALID_AFTER
 * voids every session bound to a user before an instant (Django's
 * password-change invalidation), checked when the cookie is opened.
 */
import { request, type App } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { loadsSessionCookie, Session, session, sessions, USER_BINDING_KEY, userBindingOf } from '../src/index.js';
import { MAX_USER_AGENT } from '../src/user-binding.js';
import { quietApp } from './helpers.js';

const SECRET = 'valid-after test secret';

/** Login binds the session; changing the password voids the user's other sessions and re-binds this one. */
function cookieApp(type: 'cookie' | 'encrypted-cookie', passwordChangedAt: Map<string, number>): App {
  const app = quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: type } });
  app.config.SESSION_VALID_AFTER = (userId) => passwordChangedAt.get(userId) ?? null;
  sessions(app);
  app.get('/', function index() {
    return String(session.get('username') ?? 'anonymous');
  });
  app.post('/login', async function login() {
    const username = (await request.form()).get('username')!;
    session.set('username', username);
    session.bindUser(username, { userAgent: request.headers.get('user-agent') });
    return 'ok';
  });
  app.post('/plain-login', async function plainLogin() {
    session.set('username', (await request.form()).get('username')!);
    return 'ok';
  });
  app.post('/change-password', function changePassword() {
    const username = session.get('username') as string;
    // Sessions bound before this one are void: this device stays logged in.
    passwordChangedAt.set(username, session.bindUser(username).at);
    return 'ok';
  });
  return app;
}

for (const type of ['cookie', 'encrypted-cookie'] as const) {
  describe(`SESSION_VALID_AFTER with SESSION_TYPE '${type}'`, () => {
    it("a password change logs the user's other devices out, and only that user's", async () => {
      const changed = new Map<string, number>();
      const app = cookieApp(type, changed);
      const here = app.testClient();
      const stolenLaptop = app.testClient();
      const otherUser = app.testClient();
      await here.post('/login', { form: { username: 'alice' } });
      await stolenLaptop.post('/login', { form: { username: 'alice' } });
      await otherUser.post('/login', { form: { username: 'bob' } });
      expect((await stolenLaptop.get('/')).text).toBe('alice');

      await here.post('/change-password');
      expect((await here.get('/')).text).toBe('alice');
      const r = await stolenLaptop.get('/');
      expect(r.text).toBe('anonymous');
      // Its cookie is deleted, so the voided session is not sent again.
      expect(r.headers.getSetCookie()[0]).toMatch(/^session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
      expect(stolenLaptop.cookies.get('session')).toBeUndefined();
      expect((await otherUser.get('/')).text).toBe('bob');
    });

    it('never voids sessions that were not bound, and adds nothing to their cookies', async () => {
      const changed = new Map<string, number>();
      const app = cookieApp(type, changed);
      const client = app.testClient();
      await client.post('/plain-login', { form: { username: 'carol' } });
      changed.set('carol', Date.now() + 60_000);
      expect((await client.get('/')).text).toBe('carol');
      if (type === 'cookie') {
        const payload = loadsSessionCookie(client.cookies.get('session')!, SECRET);
        expect(Object.keys(payload)).toEqual(['username']);
      }
    });

    it('accepts a Date, and a callback answering null keeps every session', async () => {
      const changed = new Map<string, number>();
      const app = cookieApp(type, changed);
      const client = app.testClient();
      await client.post('/login', { form: { username: 'dave' } });
      expect((await client.get('/')).text).toBe('dave');
      app.config.SESSION_VALID_AFTER = () => new Date(Date.now() + 1000);
      expect((await client.get('/')).text).toBe('anonymous');
    });
  });
}

it('the signed cookie carries the binding as a plain dict Flask can read', async () => {
  const app = cookieApp('cookie', new Map());
  const client = app.testClient();
  const before = Date.now();
  await client.post('/login', { form: { username: 'erin' }, headers: { 'user-agent': 'Firefox' } });
  const payload = loadsSessionCookie(client.cookies.get('session')!, SECRET);
  expect(payload).toEqual({ username: 'erin', [USER_BINDING_KEY]: { id: 'erin', at: expect.any(Number), ua: 'Firefox' } });
  expect((payload[USER_BINDING_KEY] as { at: number }).at).toBeGreaterThanOrEqual(before);
});

it('SESSION_VALID_AFTER must be a function or null', () => {
  const app = quietApp({ config: { SECRET_KEY: SECRET } });
  app.config.SESSION_VALID_AFTER = 'yesterday' as never;
  expect(() => app.config.validate()).toThrow(/SESSION_VALID_AFTER.*function/);
});

it('bindUser takes a non-empty string or a finite number, and caps what the client chose', () => {
  const s = new Session();
  expect(() => s.bindUser('')).toThrow(TypeError);
  expect(() => s.bindUser(Number.NaN)).toThrow(TypeError);
  s.bindUser(42, { userAgent: 'x'.repeat(10_000), ip: '203.0.113.9' });
  const binding = userBindingOf(s.get(USER_BINDING_KEY))!;
  expect(binding).toMatchObject({ id: 42, ip: '203.0.113.9' });
  expect(binding.ua).toHaveLength(MAX_USER_AGENT);
});
