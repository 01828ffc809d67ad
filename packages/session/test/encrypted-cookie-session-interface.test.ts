import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { compactDecrypt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EncryptedCookieSessionInterface, JweCookieCodec, deriveEncryptionKey, session, sessions, tuple } from '@micro/session';
import { contentCipher } from '../src/content-cipher.js';
import { quietApp, shape } from './helpers.js';

function app(config: Record<string, unknown> = {}) {
  const a = quietApp({ config: { SECRET_KEY: 'enc-secret', SESSION_TYPE: 'encrypted-cookie', ...config } });
  sessions(a);
  a.get('/login', () => {
    session.set('user', 'ann');
    session.set('card', '4111 1111 1111 1111');
    session.set('pair', tuple<string | number>('a', 1));
    return 'ok';
  });
  a.get('/', () => ({ user: session.get('user') ?? null, isNew: session.isNew }));
  a.get('/logout', () => (session.clear(), 'bye'));
  a.get('/remember', () => ((session.permanent = true), 'ok'));
  return a;
}

const valueOf = (setCookie: string) => setCookie.split(';')[0]!.slice(setCookie.indexOf('=') + 1);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EncryptedCookieSessionInterface over HTTP', () => {
  it('installs through SESSION_TYPE and round-trips a session the client cannot read', async () => {
    const a = app();
    expect(a.sessionInterface).toBeInstanceOf(EncryptedCookieSessionInterface);
    const client = a.testClient();
    const login = await client.get('/login');
    const [header] = login.headers.getSetCookie();
    expect(shape(header!)).toBe('session=<value>; HttpOnly; Path=/; SameSite=Lax');
    expect(login.headers.get('vary')).toBe('Cookie');
    const value = valueOf(header!);
    expect(value.split('.')).toHaveLength(5);
    expect(Buffer.from(value.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain('4111');
    expect((await client.get('/')).json()).toEqual({ user: 'ann', isNew: false });
  });

  it('writes a compact JWE that jose decrypts with the derived key', async () => {
    const login = await app().testClient().get('/login');
    const { plaintext, protectedHeader } = await compactDecrypt(valueOf(login.headers.getSetCookie()[0]!), deriveEncryptionKey('enc-secret').key);
    expect(protectedHeader).toMatchObject({ alg: 'dir', enc: 'A256GCM', kid: deriveEncryptionKey('enc-secret').kid });
    expect(Buffer.from(plaintext).toString()).toBe('{"card":"4111 1111 1111 1111","pair":{" t":["a",1]},"user":"ann"}');
  });

  it('deletes the cookie of an emptied session with the same attributes', async () => {
    const client = app({ SESSION_COOKIE_PATH: '/app', SESSION_COOKIE_DOMAIN: 'localhost' }).testClient();
    await client.get('/login');
    const out = await client.get('/logout');
    expect(out.headers.getSetCookie()).toEqual(['session=; Domain=localhost; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/app; SameSite=Lax']);
  });

  it('sets Expires only for a permanent session', async () => {
    const client = app().testClient();
    expect((await client.get('/login')).headers.getSetCookie()[0]).not.toMatch(/Expires/);
    expect((await client.get('/remember')).headers.getSetCookie()[0]).toMatch(/; Expires=[^;]+ GMT; HttpOnly/);
  });

  it('rotates keys: a cookie from a fallback key is read and re-encrypted with SECRET_KEY', async () => {
    const old = new JweCookieCodec({ secretKey: 'old-secret' }).encrypt({ user: 'bob' });
    const a = app({ SECRET_KEY: 'new-secret', SECRET_KEY_FALLBACKS: ['old-secret'] });
    a.get('/touch', () => (session.set('seen', 1), String(session.get('user'))));
    const r = await a.testClient().get('/touch', { headers: { cookie: `session=${old}` } });
    expect(r.text).toBe('bob');
    const fresh = valueOf(r.headers.getSetCookie()[0]!);
    expect(new JweCookieCodec({ secretKey: 'new-secret' }).decrypt(fresh)).toEqual({ seen: 1, user: 'bob' });
    expect(() => new JweCookieCodec({ secretKey: 'old-secret' }).decrypt(fresh)).toThrow();
  });

  it('expires cookies older than PERMANENT_SESSION_LIFETIME', async () => {
    const a = app({ PERMANENT_SESSION_LIFETIME: 60 });
    const codec = new JweCookieCodec({ secretKey: 'enc-secret' });
    const t = Math.floor(Date.now() / 1000);
    const fresh = await a.testClient().get('/', { headers: { cookie: `session=${codec.encrypt({ user: 'ann' }, t - 60)}` } });
    expect(fresh.json()).toEqual({ user: 'ann', isNew: false });
    const stale = await a.testClient().get('/', { headers: { cookie: `session=${codec.encrypt({ user: 'ann' }, t - 61)}` } });
    expect(stale.json()).toEqual({ user: null, isNew: true });
  });

  it('caches the codec per key set', () => {
    const si = new EncryptedCookieSessionInterface();
    const a = quietApp({ config: { SECRET_KEY: 'k' } });
    const codec = si.getCodec(a);
    expect(si.getCodec(a)).toBe(codec);
    a.config.SECRET_KEY_FALLBACKS = ['old'];
    expect(si.getCodec(a)).not.toBe(codec);
    a.config.SECRET_KEY = null;
    expect(si.getCodec(a)).toBeNull();
  });

  it('a remembered (already decrypted) cookie stops working as soon as its key is dropped', async () => {
    const a = app({ SECRET_KEY: 'new-secret', SECRET_KEY_FALLBACKS: ['old-secret'] });
    const cookie = `session=${new JweCookieCodec({ secretKey: 'old-secret' }).encrypt({ user: 'bob' })}`;
    const client = a.testClient();
    for (let i = 0; i < 2; i++) expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user: 'bob', isNew: false });
    a.config.SECRET_KEY_FALLBACKS = [];
    expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user: null, isNew: true });
  });

  it('SESSION_DECRYPT_CACHE_SIZE: a repeated cookie is decrypted once; 0 decrypts every time; bad values are refused', async () => {
    const cookie = `session=${new JweCookieCodec({ secretKey: 'enc-secret' }).encrypt({ user: 'bob' })}`;
    const decrypts = async (config: Record<string, unknown>) => {
      const decrypt = vi.spyOn(contentCipher('A256GCM'), 'decrypt');
      const client = app(config).testClient();
      for (let i = 0; i < 3; i++) expect((await client.get('/', { headers: { cookie } })).json()).toEqual({ user: 'bob', isNew: false });
      const calls = decrypt.mock.calls.length;
      decrypt.mockRestore();
      return calls;
    };
    expect(await decrypts({})).toBe(1);
    expect(await decrypts({ SESSION_DECRYPT_CACHE_SIZE: 0 })).toBe(3);
    for (const bad of [-1, 2.5, '10']) {
      const b = quietApp({ config: { SECRET_KEY: 'k', SESSION_DECRYPT_CACHE_SIZE: bad as never } });
      expect(() => b.config.validate()).toThrow(/SESSION_DECRYPT_CACHE_SIZE[\s\S]*whole number/);
    }
  });

  it('changing SESSION_DECRYPT_CACHE_SIZE or SESSION_ENCRYPTION builds a new codec', () => {
    const si = new EncryptedCookieSessionInterface();
    const a = quietApp({ config: { SECRET_KEY: 'k' } });
    const first = si.getCodec(a)!;
    expect(si.getCodec(a)).toBe(first);
    a.config.SESSION_DECRYPT_CACHE_SIZE = 0;
    const off = si.getCodec(a)!;
    expect(off).not.toBe(first);
    a.config.SESSION_ENCRYPTION = 'XC20P';
    expect(si.getCodec(a)!.enc).toBe('XC20P');
    a.config.SESSION_ENCRYPTION = 'A256GCM';
    expect(si.getCodec(a)).toBe(off);
  });

  it('without SECRET_KEY: reads work, writes fail with Flask\'s message', async () => {
    const a = app({ SECRET_KEY: null });
    const client = a.testClient();
    expect((await client.get('/')).json()).toEqual({ user: null, isNew: true });
    expect((await client.get('/login')).status).toBe(500);
    expect(a.logs.error.join('\n')).toContain('The session is unavailable because no secret key was set.');
  });

  describe("SESSION_ENCRYPTION = 'XC20P' (libsodium)", () => {
    const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

    it('writes XC20P tokens that an independent XChaCha20-Poly1305 (@noble/ciphers) opens with the derived key', async () => {
      const login = await app({ SESSION_ENCRYPTION: 'XC20P' }).testClient().get('/login');
      const token = valueOf(login.headers.getSetCookie()[0]!);
      const [h, encryptedKey, iv, ciphertext, tag] = token.split('.') as [string, string, string, string, string];
      expect(encryptedKey).toBe('');
      expect(headerOf(token)).toMatchObject({ alg: 'dir', enc: 'XC20P', kid: deriveEncryptionKey('enc-secret').kid });
      const nonce = Buffer.from(iv, 'base64url');
      expect(nonce).toHaveLength(24);
      const key = deriveEncryptionKey('enc-secret', 'XC20P').key;
      const sealed = Buffer.concat([Buffer.from(ciphertext, 'base64url'), Buffer.from(tag, 'base64url')]);
      const plaintext = xchacha20poly1305(key, nonce, Buffer.from(h, 'ascii')).decrypt(sealed);
      expect(Buffer.from(plaintext).toString()).toBe('{"card":"4111 1111 1111 1111","pair":{" t":["a",1]},"user":"ann"}');
      // Its own key: the AES-GCM key of the same secret does not open it.
      expect(() => xchacha20poly1305(deriveEncryptionKey('enc-secret').key, nonce, Buffer.from(h, 'ascii')).decrypt(sealed)).toThrow();
    });

    it('switching SESSION_ENCRYPTION either way keeps everyone logged in; new cookies use the new one', async () => {
      for (const [from, to] of [['A256GCM', 'XC20P'], ['XC20P', 'A256GCM']] as const) {
        const login = await app({ SESSION_ENCRYPTION: from }).testClient().get('/login');
        const cookie = valueOf(login.headers.getSetCookie()[0]!);
        expect(headerOf(cookie).enc).toBe(from);
        const after = app({ SESSION_ENCRYPTION: to });
        after.get('/touch', () => (session.set('seen', 1), String(session.get('user'))));
        const r = await after.testClient().get('/touch', { headers: { cookie: `session=${cookie}` } });
        expect(r.text).toBe('ann');
        expect(headerOf(valueOf(r.headers.getSetCookie()[0]!)).enc).toBe(to);
      }
    });

    it('a tampered XC20P cookie is an empty session, not an error', async () => {
      const client = app({ SESSION_ENCRYPTION: 'XC20P' }).testClient();
      const token = valueOf((await client.get('/login')).headers.getSetCookie()[0]!);
      const parts = token.split('.');
      const flipped = (s: string) => (s[5] === 'A' ? 'B' : 'A');
      for (const i of [0, 2, 3, 4]) {
        const p = [...parts];
        p[i] = p[i]!.slice(0, 5) + flipped(p[i]!) + p[i]!.slice(6);
        const r = await client.get('/', { headers: { cookie: `session=${p.join('.')}` } });
        expect(r.status).toBe(200);
        expect(r.json()).toEqual({ user: null, isNew: true });
      }
    });

    it('rejects an unknown SESSION_ENCRYPTION in the config', () => {
      const a = quietApp({ config: { SECRET_KEY: 'k', SESSION_ENCRYPTION: 'A128GCM' as never } });
      expect(() => a.config.validate()).toThrow(/SESSION_ENCRYPTION[\s\S]*'A256GCM', 'XC20P'/);
    });
  });
});
