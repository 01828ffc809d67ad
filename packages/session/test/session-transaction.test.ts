import { describe, expect, it } from 'vitest';
import { flash, getFlashedMessages, session, sessions } from '@micro/session';
import { quietApp } from './helpers.js';

for (const type of ['cookie', 'encrypted-cookie'] as const) {
  describe(`client.sessionTransaction with SESSION_TYPE=${type}`, () => {
    function app(config: Record<string, unknown> = {}) {
      const a = quietApp({ config: { SECRET_KEY: 'tx-secret', SESSION_TYPE: type, ...config } });
      sessions(a);
      a.get('/', () => (session.has('username') ? `Logged in as ${String(session.get('username'))}` : 'You are not logged in'));
      a.get('/login/<name>', ({ name }) => (session.set('username', name), 'ok'));
      a.get('/flashes', () => ({ messages: getFlashedMessages() as string[] }));
      return a;
    }

    it('sets session data the next request sees', async () => {
      const client = app().testClient();
      await client.sessionTransaction((s) => {
        s.set('username', 'ada');
      });
      expect((await client.get('/')).text).toBe('Logged in as ada');
    });

    it('reads what a request stored, and returns the callback\'s value', async () => {
      const client = app().testClient();
      await client.get('/login/grace');
      const name = await client.sessionTransaction((s) => s.get('username'));
      expect(name).toBe('grace');
    });

    it('removes data, which deletes the cookie when the session is emptied', async () => {
      const client = app().testClient();
      await client.get('/login/grace');
      await client.sessionTransaction((s) => {
        s.delete('username');
      });
      expect(client.cookieHeaderFor('/')).toBeUndefined();
      expect((await client.get('/')).text).toBe('You are not logged in');
    });

    it('awaits an async callback and plants flashes the app shows', async () => {
      const client = app().testClient();
      await client.sessionTransaction(async () => {
        await Promise.resolve();
        flash('Saved');
      });
      expect((await client.get('/flashes')).json()).toEqual({ messages: ['Saved'] });
    });

    it('honours the cookie path', async () => {
      const client = app({ SESSION_COOKIE_PATH: '/admin' }).testClient();
      await client.sessionTransaction((s) => void s.set('username', 'root'), { path: '/admin' });
      expect(client.cookieHeaderFor('/admin/x')).toMatch(/^session=/);
      expect(client.cookieHeaderFor('/')).toBeUndefined();
    });

    it('says what is wrong without SECRET_KEY', async () => {
      const client = app({ SECRET_KEY: null }).testClient();
      await expect(client.sessionTransaction(() => undefined)).rejects.toThrow(/did not open a session; is SECRET_KEY set\?/);
    });
  });
}
