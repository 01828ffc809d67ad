/**
 * SECRET_KEY_FALLBACKS rotation, the same checks for the signed and the
 * encrypted cookie: a cookie made with a fallback key is read, re-made with
 * SECRET_KEY when saved, and a key dropped from the fallbacks gives an empty
 * session (never a 500).
 */
import { describe, expect, it } from 'vitest';
import { BadSignature, JweCookieCodec, dumpsSessionCookie, loadsSessionCookie, session, sessions, type SecretKey } from '@micro/session';
import { quietApp } from './helpers.js';

const kinds = [
  {
    type: 'cookie',
    dumps: (data: Record<string, unknown>, key: SecretKey) => dumpsSessionCookie(data, key),
    loads: (value: string, key: SecretKey) => loadsSessionCookie(value, key),
  },
  {
    type: 'encrypted-cookie',
    dumps: (data: Record<string, unknown>, key: SecretKey) => new JweCookieCodec({ secretKey: key }).encrypt(data),
    loads: (value: string, key: SecretKey) => new JweCookieCodec({ secretKey: key, decryptCacheSize: 0 }).decrypt(value),
  },
] as const;

const valueOf = (setCookie: string) => setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

for (const kind of kinds) {
  describe(`key rotation with SESSION_TYPE '${kind.type}'`, () => {
    const makeApp = (config: Record<string, unknown>) => {
      const app = quietApp({ config: { SESSION_TYPE: kind.type, ...config } });
      sessions(app);
      app.get('/', () => ({ user: session.get('user') ?? null, isNew: session.isNew }));
      app.post('/touch', () => (session.set('seen', true), 'ok'));
      return app;
    };

    it('reads a cookie made with any fallback, and saves it with SECRET_KEY only', async () => {
      const app = makeApp({ SECRET_KEY: 'key-3', SECRET_KEY_FALLBACKS: ['key-2', Buffer.from('key-1')] });
      for (const old of ['key-2', Buffer.from('key-1')]) {
        const cookie = `session=${kind.dumps({ user: 'ann' }, old)}`;
        const client = app.testClient({ useCookies: false });
        expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user: 'ann', isNew: false });
        const saved = (await client.post('/touch', { headers: { cookie } })).headers.getSetCookie();
        expect(saved).toHaveLength(1);
        expect(kind.loads(valueOf(saved[0]!), 'key-3')).toEqual({ seen: true, user: 'ann' });
        expect(() => kind.loads(valueOf(saved[0]!), old)).toThrow(BadSignature);
      }
    });

    it('an unchanged session keeps its old cookie until it is saved (a permanent one: on the next request)', async () => {
      const app = makeApp({ SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['old'] });
      const plain = `session=${kind.dumps({ user: 'ann' }, 'old')}`;
      expect((await app.testClient().get('/', { headers: { cookie: plain } })).headers.getSetCookie()).toEqual([]);
      const permanent = `session=${kind.dumps({ user: 'ann', _permanent: true }, 'old')}`;
      const r = await app.testClient().get('/', { headers: { cookie: permanent } });
      expect(kind.loads(valueOf(r.headers.getSetCookie()[0]!), 'new')).toEqual({ user: 'ann', _permanent: true });
      // The same for a request that never touches the session (core's saveUnopened).
      app.get('/static-like', () => 'no session');
      const untouched = await app.testClient().get('/static-like', { headers: { cookie: permanent } });
      expect(kind.loads(valueOf(untouched.headers.getSetCookie()[0]!), 'new')).toEqual({ user: 'ann', _permanent: true });
    });

    it('a key dropped from the fallbacks gives an empty session, a 200 and no error line', async () => {
      const app = makeApp({ SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['old'] });
      const cookie = `session=${kind.dumps({ user: 'ann' }, 'old')}`;
      const client = app.testClient({ useCookies: false });
      expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user: 'ann', isNew: false });
      app.config.SECRET_KEY_FALLBACKS = [];
      const r = await client.get('/', { headers: { cookie } });
      expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: { user: null, isNew: true } });
      const saved = (await client.post('/touch', { headers: { cookie } })).headers.getSetCookie();
      expect(kind.loads(valueOf(saved[0]!), 'new')).toEqual({ seen: true });
      expect(app.logs.error).toEqual([]);
    });

    it('rotation works for a chunked cookie too', async () => {
      const app = makeApp({ SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['old'], SESSION_COOKIE_CHUNKING: true, SESSION_COOKIE_MAX_CHUNKS: 8 });
      const user = 'x'.repeat(6000) + [...Array(2000).keys()].join(',');
      const value = kind.dumps({ user }, 'old');
      const half = Math.ceil(value.length / 2);
      const cookie = `session=__chunked__2; session.1=${value.slice(0, half)}; session.2=${value.slice(half)}`;
      const client = app.testClient({ useCookies: false });
      expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user, isNew: false });
      const saved = (await client.post('/touch', { headers: { cookie } })).headers.getSetCookie();
      expect(saved[0]).toMatch(/^session=__chunked__\d+;/);
      const joined = saved.slice(1).filter((h) => !h.includes('Max-Age=0')).map(valueOf).join('');
      expect(kind.loads(joined, 'new')).toEqual({ seen: true, user });
    });
  });
}
