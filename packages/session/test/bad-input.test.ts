/**
 * Issue 3's bad input, over HTTP, for both cookie interfaces: whatever the
 * cookie, the answer is an empty session and a 200, never a 500.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { CompactEncrypt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { session as coreSession, type App } from '@micro/core';
import { JweCookieCodec, TimestampSigner, decodeTimestamp, deriveEncryptionKey, dumpsSessionCookie, session, sessions } from '@micro/session';
import { flaskHttp, quietApp } from './helpers.js';

const SECRET = 'bad-input-secret';
const LIFETIME = 3600;

interface Kind {
  type: 'cookie' | 'encrypted-cookie';
  /** A valid cookie for `data`, made at `now` (Unix seconds). */
  make(data: Record<string, unknown>, now: number): string;
  /** A cookie that passes authentication but holds `plaintext` instead of a JSON object. */
  authenticGarbage(plaintext: Buffer, now: number): Promise<string>;
}

const signer = new TimestampSigner({ secretKeys: SECRET, salt: 'cookie-session', keyDerivation: 'hmac' });

const kinds: Kind[] = [
  {
    type: 'cookie',
    make: (data, now) => dumpsSessionCookie(data, SECRET, now),
    authenticGarbage: async (plaintext, now) => signer.sign(plaintext.toString('base64url'), now),
  },
  {
    type: 'encrypted-cookie',
    make: (data, now) => new JweCookieCodec({ secretKey: SECRET }).encrypt(data, now),
    authenticGarbage: async (plaintext, now) => {
      const { key, kid } = deriveEncryptionKey(SECRET);
      return new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, iat: now }).encrypt(key);
    },
  },
];

function app(type: Kind['type']): App & { logs: ReturnType<typeof quietApp>['logs'] } {
  const a = quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: type, PERMANENT_SESSION_LIFETIME: LIFETIME } });
  sessions(a);
  a.get('/', () => ({ data: session.toObject(), isNew: session.isNew }));
  a.get('/store', () => (coreSession.set('fn', () => 1), 'stored'));
  a.get('/cycle', () => {
    const cart: Record<string, unknown> = { items: [] };
    cart.self = cart;
    coreSession.set('cart', cart);
    return 'stored';
  });
  return a;
}

const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  vi.restoreAllMocks();
});

for (const kind of kinds) {
  describe(`${kind.type}: bad cookies give an empty session and a 200`, () => {
    const get = (a: App, cookie: string) => a.testClient().get('/', { headers: { cookie: `session=${cookie}` } });
    const empty = { data: {}, isNew: true };

    it('accepts the good cookie these tests start from', async () => {
      const r = await get(app(kind.type), kind.make({ user: 'ann' }, now()));
      expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: { data: { user: 'ann' }, isNew: false } });
    });

    const good = () => kind.make({ user: 'ann' }, now());
    const cases: Array<[string, () => string]> = [
      ['tampered (one character changed)', () => {
        const c = good();
        const i = Math.floor(c.length / 2);
        return c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
      }],
      ['tampered (signature of another key)', () => (kind.type === 'cookie' ? dumpsSessionCookie({ user: 'ann' }, 'other', now()) : new JweCookieCodec({ secretKey: 'other' }).encrypt({ user: 'ann' }))],
      ['truncated', () => good().slice(0, -5)],
      ['truncated to one part', () => good().split('.')[0]!],
      ['wrongly padded', () => good().replace(/\.([^.]+)$/, '.$1=')],
      ['padded payload', () => { const parts = good().split('.'); parts[0] += '=='; return parts.join('.'); }],
      ['not base64', () => '!!!.@@@.###'],
      ['standard base64 characters', () => good().replace(/-/g, '+').replace(/_/g, '/') + '+/'],
      ['empty parts', () => '....'],
      ['expired', () => kind.make({ user: 'ann' }, now() - LIFETIME - 2)],
      ['future-dated', () => kind.make({ user: 'ann' }, now() + 3600)],
      ['long (12 KB of noise)', () => randomBytes(9000).toString('base64url')],
    ];
    for (const [name, make] of cases) {
      it(name, async () => {
        const a = app(kind.type);
        const r = await get(a, make());
        expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: empty });
        expect(a.logs.error).toEqual([]);
      });
    }

    it('a header too large for Node is refused before the app (431, not 500)', async () => {
      // Node's HTTP parser refuses it, so this one goes over the wire.
      const r = await app(kind.type).testClient({ http: true }).get('/', { headers: { cookie: `session=${'x'.repeat(20_000)}` } });
      expect(r.status).toBe(431);
    });

    it('authentic but not JSON: empty session and a debug line (Flask answers 500)', async () => {
      const a = app(kind.type);
      const r = await get(a, await kind.authenticGarbage(Buffer.from('not json'), now()));
      expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: empty });
      expect(a.logs.debug).toHaveLength(1);
      expect(a.logs.debug[0]).toMatch(/Ignoring the 'session' cookie: it is authentic but its payload is not readable \(.*JSON.*\)/);
    });

    it('authentic but a JSON array, not an object: empty session and a debug line', async () => {
      const a = app(kind.type);
      const r = await get(a, await kind.authenticGarbage(Buffer.from('[1,2]'), now()));
      expect(r.json()).toEqual(empty);
      expect(a.logs.debug[0]).toMatch(/not a JSON object/);
    });

    it('1 000 random cookies never give a 500', async () => {
      const a = app(kind.type);
      const client = a.testClient({ useCookies: false });
      const base = good();
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/%"\\ ';
      const statuses = new Map<number, number>();
      for (let i = 0; i < 1000; i++) {
        let cookie: string;
        const bytes = randomBytes(64);
        if (i % 3 === 0) {
          // Random text of random length from an alphabet close to the real one.
          cookie = Array.from(bytes.subarray(0, 1 + (bytes[0]! % 63)), (b) => alphabet[b % alphabet.length]).join('');
        } else {
          // The good cookie with a few random characters replaced, inserted or removed.
          const chars = [...base];
          for (let j = 1; j < 1 + (bytes[0]! % 4); j++) {
            const at = bytes[j]! % chars.length;
            const c = alphabet[bytes[j + 8]! % alphabet.length]!;
            if (bytes[j + 16]! % 3 === 0) chars.splice(at, 1);
            else if (bytes[j + 16]! % 3 === 1) chars.splice(at, 0, c);
            else chars[at] = c;
          }
          cookie = chars.join('');
        }
        const r = await client.get('/', { headers: { cookie: `session=${cookie}` } });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      expect([...statuses.keys()]).toEqual([200]);
      expect(a.logs.error).toEqual([]);
    });
  });

  describe(`${kind.type}: values that cannot be stored`, () => {
    it('a function: 500, and the log names the key', async () => {
      const a = app(kind.type);
      const r = await a.testClient().get('/store');
      expect(r.status).toBe(500);
      expect(a.logs.error.join('\n')).toMatch(/Cannot store session value "fn": .*function/);
    });

    it('a cycle: 500, and the log names where', async () => {
      const a = app(kind.type);
      const r = await a.testClient().get('/cycle');
      expect(r.status).toBe(500);
      expect(a.logs.error.join('\n')).toMatch(/Cannot store session value "cart\.self": .*cycl/i);
    });
  });
}

describe('signed cookies only', () => {
  it('an authentic cookie inflating past 1 MiB is refused without inflating it all', async () => {
    const a = app('cookie');
    const bomb = deflateSync(Buffer.from(JSON.stringify({ a: 'x'.repeat(4 * 1024 * 1024) })), { level: 9 });
    const cookie = signer.sign('.' + bomb.toString('base64url'), now());
    expect(cookie.length).toBeLessThan(16_000);
    const r = await a.testClient().get('/', { headers: { cookie: `session=${cookie}` } });
    expect({ status: r.status, body: r.json() }).toEqual({ status: 200, body: { data: {}, isNew: true } });
    expect(a.logs.debug[0]).toMatch(/zlib/);
  });

  it('the bad-payload cookie Flask answers 500 for gives an empty session here', async () => {
    const a = quietApp({ config: { SECRET_KEY: flaskHttp.secret } });
    sessions(a);
    a.get('/', () => String(session.get('x') ?? 'None'));
    const signedAt = decodeTimestamp(flaskHttp.bad_payload.cookie.split('.')[1]!)!;
    vi.spyOn(Date, 'now').mockReturnValue(signedAt * 1000);
    const r = await a.testClient().get('/', { headers: { cookie: `session=${flaskHttp.bad_payload.cookie}` } });
    expect(flaskHttp.bad_payload.status).toBe(500);
    expect({ status: r.status, body: r.text }).toEqual({ status: 200, body: 'None' });
    expect(a.logs.debug).toHaveLength(1);
  });
});
