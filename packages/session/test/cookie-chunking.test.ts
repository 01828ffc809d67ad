/**
 * SESSION_COOKIE_CHUNKING over the test client, for the signed and the
 * encrypted cookie: a session too large for one cookie is split, joined on
 * reading, and its stale chunks are deleted; bad chunks give an empty session.
 * Without chunking, a too-large cookie fails in development.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JweCookieCodec, SessionCookieTooLarge, dumpsSessionCookie, session, sessions } from '@micro/session';
import { quietApp } from './helpers.js';

// Random base64 does not compress much: about 12 KiB of cookie even when signed (zlib).
const big = (kib: number) => randomBytes(kib * 768).toString('base64');

const kinds = [
  { type: 'cookie', dumps: (data: Record<string, unknown>, key: string) => dumpsSessionCookie(data, key) },
  { type: 'encrypted-cookie', dumps: (data: Record<string, unknown>, key: string) => new JweCookieCodec({ secretKey: key }).encrypt(data) },
] as const;

function makeApp(type: string, config: Record<string, unknown> = {}) {
  // A key given as undefined keeps its default.
  const merged = { SECRET_KEY: 'chunk-key', SESSION_TYPE: type, SESSION_COOKIE_CHUNKING: true, SESSION_COOKIE_MAX_CHUNKS: 16, TESTING: true, ...config };
  const app = quietApp({ config: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) });
  sessions(app);
  app.post('/store/<int:kib>', ({ kib }) => (session.set('data', big(kib as number)), 'stored'));
  app.post('/small', () => (session.set('data', 'small'), 'small'));
  app.post('/clear', () => (session.clear(), 'cleared'));
  app.post('/remember', () => ((session.permanent = true), 'ok'));
  app.get('/', () => ({ data: session.get('data') ?? null, isNew: session.isNew }));
  return app;
}

const names = (setCookies: string[]) => setCookies.map((h) => h.slice(0, h.indexOf('=')));
const deleted = (setCookies: string[]) => names(setCookies.filter((h) => /; Max-Age=0/.test(h)));
const written = (setCookies: string[]) => setCookies.filter((h) => !/; Max-Age=0/.test(h));
const valueOf = (h: string) => h.slice(h.indexOf('=') + 1, h.indexOf(';'));

afterEach(() => {
  vi.restoreAllMocks();
});

for (const kind of kinds) {
  describe(`SESSION_COOKIE_CHUNKING with SESSION_TYPE '${kind.type}'`, () => {
    it('splits a 12 KiB session into chunks within MAX_COOKIE_SIZE and reads it back', async () => {
      const app = makeApp(kind.type);
      const client = app.testClient();
      const r = await client.post('/store/12');
      const headers = r.headers.getSetCookie();
      const count = headers.length - 1;
      expect(count).toBeGreaterThanOrEqual(4);
      expect(headers[0]).toBe(`session=__chunked__${count}; HttpOnly; Path=/; SameSite=Lax`);
      expect(names(headers)).toEqual(['session', ...Array.from({ length: count }, (_, i) => `session.${i + 1}`)]);
      for (const h of headers) {
        expect(Buffer.byteLength(h)).toBeLessThanOrEqual(4093);
        expect(h).toMatch(/=[\w.-]+; HttpOnly; Path=\/; SameSite=Lax$/);
      }
      // All but the last chunk fill their header exactly.
      for (const h of headers.slice(1, -1)) expect(Buffer.byteLength(h)).toBe(4093);
      expect(app.logs.warn).toEqual([]);

      const stored = (await client.get('/')).json() as { data: string; isNew: boolean };
      expect(stored.isNew).toBe(false);
      expect(stored.data).toHaveLength(12 * 1024);
      expect(client.cookies.size).toBe(count + 1);
    });

    it('writes a session that fits exactly as without chunking (one cookie, byte for byte)', async () => {
      vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
      const on = (await makeApp(kind.type).testClient().post('/small')).headers.getSetCookie();
      const off = (await makeApp(kind.type, { SESSION_COOKIE_CHUNKING: false }).testClient().post('/small')).headers.getSetCookie();
      expect(on).toHaveLength(1);
      if (kind.type === 'cookie') expect(on).toEqual(off); // a JWE has a random IV
      else expect(on[0]!.replace(/=[^;]+/, '=v')).toBe(off[0]!.replace(/=[^;]+/, '=v'));
    });

    it('shrinking the session deletes the chunks it no longer uses, in the response and in the jar', async () => {
      const client = makeApp(kind.type).testClient();
      const first = (await client.post('/store/12')).headers.getSetCookie().length - 1;
      const smaller = (await client.post('/store/5')).headers.getSetCookie();
      const kept = written(smaller).length - 1;
      expect(kept).toBeGreaterThanOrEqual(2);
      expect(kept).toBeLessThan(first);
      expect(deleted(smaller)).toEqual(Array.from({ length: first - kept }, (_, i) => `session.${kept + i + 1}`));
      expect(smaller.filter((h) => /; Max-Age=0/.test(h))[0]).toBe(`session.${kept + 1}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax`);
      expect(client.cookies.size).toBe(kept + 1);
      expect(((await client.get('/')).json() as { data: string }).data).toHaveLength(5 * 1024);

      const tiny = (await client.post('/small')).headers.getSetCookie();
      expect(names(written(tiny))).toEqual(['session']);
      expect(deleted(tiny)).toEqual(Array.from({ length: kept }, (_, i) => `session.${i + 1}`));
      expect(client.cookies.all().map((c) => c.name)).toEqual(['session']);
      expect((await client.get('/')).json()).toEqual({ data: 'small', isNew: false });
    });

    it('clearing the session deletes the cookie and every chunk', async () => {
      const client = makeApp(kind.type).testClient();
      const count = (await client.post('/store/12')).headers.getSetCookie().length - 1;
      const out = (await client.post('/clear')).headers.getSetCookie();
      expect(deleted(out)).toEqual(['session', ...Array.from({ length: count }, (_, i) => `session.${i + 1}`)]);
      expect(client.cookies.size).toBe(0);
    });

    it('chunks and their deletions carry the session cookie\'s Domain, Secure, SameSite and Partitioned', async () => {
      const attrs = '; HttpOnly; Path=/; SameSite=None; Partitioned';
      const client = makeApp(kind.type, { SESSION_COOKIE_DOMAIN: 'example.com', SESSION_COOKIE_SAMESITE: 'None', SESSION_COOKIE_PARTITIONED: true }).testClient({ baseUrl: 'https://example.com' });
      const headers = (await client.post('/store/12')).headers.getSetCookie();
      for (const h of headers) expect(h).toMatch(new RegExp(`^session(\\.\\d+)?=[\\w.-]+; Domain=example.com; Secure${attrs.replace(/[/]/g, '\\/')}$`));
      const out = (await client.post('/clear')).headers.getSetCookie();
      expect(out).toHaveLength(headers.length);
      for (const h of out) expect(h).toMatch(new RegExp(`^session(\\.\\d+)?=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure${attrs.replace(/[/]/g, '\\/')}$`));
    });

    it('a permanent session gives every chunk the same Expires', async () => {
      const client = makeApp(kind.type).testClient();
      await client.post('/store/12');
      const headers = (await client.post('/remember')).headers.getSetCookie();
      const expires = new Set(headers.map((h) => /; Expires=([^;]+)/.exec(h)?.[1]));
      expect(headers.length).toBeGreaterThan(4);
      expect(expires.size).toBe(1);
      expect([...expires][0]).toMatch(/GMT$/);
    });

    it('a missing, emptied, changed, swapped or foreign chunk gives an empty session, never an error', async () => {
      const app = makeApp(kind.type);
      const headers = (await app.testClient().post('/store/12')).headers.getSetCookie();
      const pairs = headers.map((h) => [h.slice(0, h.indexOf('=')), valueOf(h)] as [string, string]);
      const other = (await app.testClient().post('/store/12')).headers.getSetCookie().map(valueOf);
      const send = (list: [string, string][]) => app.testClient({ useCookies: false }).get('/', { headers: { cookie: list.map(([n, v]) => `${n}=${v}`).join('; ') } });
      const flip = (v: string) => v.slice(0, 10) + (v[10] === 'A' ? 'B' : 'A') + v.slice(11);
      const cases: Record<string, [string, string][]> = {
        'missing chunk': pairs.filter(([n]) => n !== 'session.2'),
        'empty chunk': pairs.map(([n, v]) => [n, n === 'session.2' ? '' : v]),
        'changed chunk': pairs.map(([n, v]) => [n, n === 'session.2' ? flip(v) : v]),
        'swapped chunks': pairs.map(([n, v]) => [n, n === 'session.1' ? pairs[2]![1] : n === 'session.2' ? pairs[1]![1] : v]),
        'a chunk of another session': pairs.map(([n, v], i) => [n, n === 'session.3' ? other[i]! : v]),
        'count too small': pairs.map(([n, v]) => [n, n === 'session' ? '__chunked__2' : v]),
        'count too large': pairs.map(([n, v]) => [n, n === 'session' ? `__chunked__${pairs.length}` : v]),
        'marker without chunks': [['session', '__chunked__3']],
        'marker beyond the bound': [['session', '__chunked__99'], ...pairs.slice(1)],
        'chunks without marker': pairs.slice(1),
      };
      for (const [what, list] of Object.entries(cases)) {
        const r = await send(list);
        expect({ what, status: r.status, body: r.json() }).toEqual({ what, status: 200, body: { data: null, isNew: true } });
      }
      expect((await send(pairs)).json()).toMatchObject({ isNew: false });
      expect(app.logs.error).toEqual([]);
    });

    it('an extra chunk beyond the count is ignored on reading and deleted by the next write', async () => {
      const app = makeApp(kind.type);
      const client = app.testClient();
      const count = (await client.post('/store/12')).headers.getSetCookie().length - 1;
      client.cookies.set(`session.${count + 1}`, 'left-over');
      expect((await client.get('/')).json()).toMatchObject({ isNew: false });
      const r = await client.post('/store/12');
      expect(deleted(r.headers.getSetCookie())).toEqual([`session.${count + 1}`]);
    });

    it('never joins more than 16 chunks, even when all of them are valid', async () => {
      const app = makeApp(kind.type);
      const value = kind.dumps({ data: 'x'.repeat(300) }, 'chunk-key');
      const parts = Array.from({ length: 17 }, (_, i) => value.slice((i * value.length) / 17, ((i + 1) * value.length) / 17));
      const cookie = (count: number, chunks: string[]) => [`session=__chunked__${count}`, ...chunks.map((c, i) => `session.${i + 1}=${c}`)].join('; ');
      const client = app.testClient({ useCookies: false });
      expect((await client.get('/', { headers: { cookie: cookie(17, parts) } })).json()).toEqual({ data: null, isNew: true });
      const sixteen = [...parts.slice(0, 15), parts[15]! + parts[16]!];
      expect((await client.get('/', { headers: { cookie: cookie(16, sixteen) } })).json()).toMatchObject({ isNew: false });
    });

    it('turning chunking off still reads chunked cookies; the next write is whole and deletes the chunks', async () => {
      const app = makeApp(kind.type);
      const client = app.testClient();
      const count = (await client.post('/store/12')).headers.getSetCookie().length - 1;
      app.config.SESSION_COOKIE_CHUNKING = false;
      expect(((await client.get('/')).json() as { data: string }).data).toHaveLength(12 * 1024);
      const r = await client.post('/small');
      expect(deleted(r.headers.getSetCookie())).toEqual(Array.from({ length: count }, (_, i) => `session.${i + 1}`));
      expect((await client.get('/')).json()).toEqual({ data: 'small', isNew: false });
    });

    it('more than SESSION_COOKIE_MAX_CHUNKS chunks: throws in development; in production logs an error and writes nothing', async () => {
      const dev = makeApp(kind.type, { MAX_COOKIE_SIZE: 600 });
      const err = await dev.testClient().post('/store/12').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionCookieTooLarge);
      expect((err as Error).message).toMatch(
        /^The 'session' session cookie would be \d+ bytes, more than SESSION_COOKIE_MAX_CHUNKS \(16\) chunks of MAX_COOKIE_SIZE \(600 bytes\);.*Largest keys, as JSON before compression or encryption: "data" \(12290 bytes\)\..*raise SESSION_COOKIE_MAX_CHUNKS together with the server's maxHeaderSize\.$/,
      );

      const prod = makeApp(kind.type, { MAX_COOKIE_SIZE: 600, TESTING: false });
      const client = prod.testClient();
      await client.post('/small');
      const r = await client.post('/store/12');
      expect(r.status).toBe(200);
      expect(r.headers.getSetCookie()).toEqual([]);
      expect(prod.logs.error).toHaveLength(1);
      expect(prod.logs.error[0]).toMatch(/more than SESSION_COOKIE_MAX_CHUNKS \(16\) chunks/);
      expect((await client.get('/')).json()).toEqual({ data: 'small', isNew: false });
    });

    it('by default writes at most 3 chunks (about 12 KiB, what Node accepts back), and reads up to 16 whatever it says', async () => {
      const app = makeApp(kind.type, { SESSION_COOKIE_MAX_CHUNKS: undefined });
      expect(app.config.SESSION_COOKIE_MAX_CHUNKS).toBe(3);
      const client = app.testClient();
      expect((await client.post('/store/8')).headers.getSetCookie()).toHaveLength(1 + 3);
      const err = await client.post('/store/16').catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/more than SESSION_COOKIE_MAX_CHUNKS \(3\) chunks of MAX_COOKIE_SIZE \(4093 bytes\)/);
      // Written while the limit was higher: still read.
      const wide = makeApp(kind.type).testClient();
      const count = (await wide.post('/store/16')).headers.getSetCookie().length - 1;
      expect(count).toBeGreaterThan(3);
      const cookie = wide.cookies.all().map((c) => `${c.name}=${c.value}`).join('; ');
      const r = await client.get('/', { headers: { cookie } });
      expect(((r.json() as { data: string }).data)).toHaveLength(16 * 1024);
    });

    it('works through sessionTransaction', async () => {
      const client = makeApp(kind.type).testClient();
      const data = big(12);
      await client.sessionTransaction((s) => s.set('data', data));
      expect(client.cookies.size).toBeGreaterThan(4);
      expect((await client.get('/')).json()).toEqual({ data, isNew: false });
      await client.sessionTransaction((s) => s.set('data', 'small'));
      expect(client.cookies.all().map((c) => c.name)).toEqual(['session']);
    });
  });
}

describe('a session cookie over MAX_COOKIE_SIZE without chunking', () => {
  const app = (config: Record<string, unknown>) => {
    const a = quietApp({ config: { SECRET_KEY: 'k', ...config } });
    sessions(a);
    a.post('/', () => {
      session.set('avatar', big(6));
      session.set('history', big(2));
      session.set('name', 'ada');
      session.set('theme', 'dark');
      return 'ok';
    });
    return a;
  };

  for (const mode of [{ TESTING: true }, { DEBUG: true, PROPAGATE_EXCEPTIONS: true }]) {
    it(`throws SessionCookieTooLarge with ${Object.keys(mode)[0]}, naming the size, the limit and the largest keys`, async () => {
      const err = (await app(mode).testClient().post('/').catch((e: unknown) => e)) as SessionCookieTooLarge;
      expect(err).toBeInstanceOf(SessionCookieTooLarge);
      expect(err.code).toBe('MICRO_SESSION_COOKIE_TOO_LARGE');
      expect(err.limit).toBe(4093);
      expect(err.size).toBeGreaterThan(8000);
      expect(err.largestKeys).toEqual([
        { key: 'avatar', bytes: 6 * 1024 + 2 },
        { key: 'history', bytes: 2 * 1024 + 2 },
        { key: 'theme', bytes: 6 },
      ]);
      expect(err.message).toBe(
        `The 'session' session cookie would be ${err.size} bytes, over MAX_COOKIE_SIZE (4093 bytes); browsers would drop it` +
          ' silently and the session would not be saved. Largest keys, as JSON before compression or encryption:' +
          ' "avatar" (6146 bytes), "history" (2050 bytes), "theme" (6 bytes). Store less in the session (an id, with' +
          ' the data in your database), or use a server-side SESSION_TYPE, or set SESSION_COOKIE_CHUNKING = true.',
      );
    });
  }

  it('in DEBUG over HTTP, answers 500 and sends no cookie', async () => {
    const a = app({ DEBUG: true, PROPAGATE_EXCEPTIONS: false });
    const r = await a.testClient().post('/');
    expect(r.status).toBe(500);
    expect(r.headers.getSetCookie()).toEqual([]);
    expect(a.logs.error.join('\n')).toMatch(/SessionCookieTooLarge: The 'session' session cookie would be/);
  });

  it('in production, logs Flask\'s warning and sends the cookie (Flask\'s behaviour)', async () => {
    const a = app({});
    const r = await a.testClient().post('/');
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toHaveLength(1);
    expect(a.logs.warn).toHaveLength(1);
    expect(a.logs.warn[0]).toMatch(/^The 'session' cookie is too large: the value was \d+ bytes .* Browsers may silently ignore cookies larger than this\.$/);
  });

  it('MAX_COOKIE_SIZE = 0 turns the check off', async () => {
    const r = await app({ TESTING: true, MAX_COOKIE_SIZE: 0 }).testClient().post('/');
    expect(r.status).toBe(200);
    expect(r.headers.getSetCookie()).toHaveLength(1);
  });
});

it('SESSION_COOKIE_CHUNKING (boolean, default false) and SESSION_COOKIE_MAX_CHUNKS (1 to 16, default 3) are declared, checked and read from the environment', () => {
  const a = quietApp();
  expect(a.config.SESSION_COOKIE_CHUNKING).toBe(false);
  (a.config as unknown as Record<string, unknown>).SESSION_COOKIE_CHUNKING = 'yes';
  expect(() => a.config.validate()).toThrow(/SESSION_COOKIE_CHUNKING[\s\S]*a boolean/);
  const b = quietApp();
  b.config.fromEnv('MICRO_', { MICRO_SESSION_COOKIE_CHUNKING: 'true', MICRO_SESSION_COOKIE_MAX_CHUNKS: '5' });
  expect(b.config.SESSION_COOKIE_CHUNKING).toBe(true);
  expect(b.config.SESSION_COOKIE_MAX_CHUNKS).toBe(5);
  for (const bad of [0, 17, 2.5, '3']) {
    const c = quietApp({ config: { SESSION_COOKIE_MAX_CHUNKS: bad as never } });
    expect(() => c.config.validate()).toThrow(/SESSION_COOKIE_MAX_CHUNKS[\s\S]*a whole number from 1 to 16/);
  }
});
