import { afterEach, describe, expect, it, vi } from 'vitest';
import { durationToSeconds, parseCookieHeader, serializeCookie, unquoteCookieValue } from '../src/cookies.js';
import { App, Response } from '../src/index.js';

// Expected strings were produced by Werkzeug 3.1's dump_cookie / parse_cookie.
describe('serializeCookie', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a bare cookie with the default path', () => {
    expect(serializeCookie('a', 'b')).toBe('a=b; Path=/');
  });

  it('writes every attribute in Werkzeug order, with Expires derived from Max-Age', () => {
    vi.useFakeTimers({ now: new Date('2026-01-02T03:04:05Z') });
    const header = serializeCookie('session', 'abc', {
      maxAge: 3600,
      domain: 'example.com',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(header).toBe(
      'session=abc; Domain=example.com; Expires=Fri, 02 Jan 2026 04:04:05 GMT; Max-Age=3600; Secure; HttpOnly; Path=/; SameSite=Lax',
    );
  });

  it('accepts a duration for Max-Age', () => {
    vi.useFakeTimers({ now: new Date('2026-01-02T03:04:05Z') });
    expect(serializeCookie('k', 'v', { maxAge: { days: 31 } })).toBe(
      'k=v; Expires=Mon, 02 Feb 2026 03:04:05 GMT; Max-Age=2678400; Path=/',
    );
    expect(durationToSeconds({ hours: 1, minutes: 1, seconds: 1.9 })).toBe(3661);
  });

  it('formats Expires from a Date or Unix seconds', () => {
    const date = new Date(Date.UTC(2030, 4, 17, 8, 9, 10));
    expect(serializeCookie('k', 'x', { expires: date, path: '/p' })).toBe(
      'k=x; Expires=Fri, 17 May 2030 08:09:10 GMT; Path=/p',
    );
    expect(serializeCookie('k', 'x', { expires: date.getTime() / 1000 + 0.7, path: '/p' })).toBe(
      'k=x; Expires=Fri, 17 May 2030 08:09:10 GMT; Path=/p',
    );
  });

  it('writes a deletion cookie and cleans the domain', () => {
    expect(serializeCookie('k', '', { expires: 0, maxAge: 0, domain: '.Example.COM:8080' })).toBe(
      'k=; Domain=Example.COM; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/',
    );
  });

  it('IDNA-encodes an international domain', () => {
    expect(serializeCookie('a', 'x', { domain: 'bücher.de' })).toBe('a=x; Domain=xn--bcher-kva.de; Path=/');
  });

  it('makes a partitioned cookie secure', () => {
    expect(serializeCookie('k', 'v', { partitioned: true, sameSite: 'None' })).toBe(
      'k=v; Secure; Path=/; SameSite=None; Partitioned',
    );
  });

  it('title-cases SameSite and rejects anything else, naming the value', () => {
    expect(serializeCookie('k', 'v', { sameSite: 'strict' as 'Strict' })).toContain('SameSite=Strict');
    expect(() => serializeCookie('k', 'v', { sameSite: 'sometimes' as 'Lax' })).toThrow(TypeError);
    expect(() => serializeCookie('k', 'v', { sameSite: 'sometimes' as 'Lax' })).toThrow(/sometimes/);
  });

  it('leaves safe punctuation bare and quotes the rest as Werkzeug does', () => {
    expect(serializeCookie('a', "~!#$%&'()*+-./:<=>?@[]^`{|}_")).toBe("a=~!#$%&'()*+-./:<=>?@[]^`{|}_; Path=/");
    expect(serializeCookie('k', 'sp ace"q\\b;c,é')).toBe('k="sp ace\\"q\\\\b\\073c\\054\\303\\251"; Path=/');
    expect(serializeCookie('a', '€')).toBe('a="\\342\\202\\254"; Path=/');
  });

  it('percent-encodes the path and can leave it out', () => {
    expect(serializeCookie('a', 'x', { path: '/a b/ü;x' })).toBe('a=x; Path=/a%20b/%C3%BC%3Bx');
    expect(serializeCookie('a', 'x', { path: null })).toBe('a=x');
  });

  it.each([
    ['name', () => serializeCookie('a\r\nSet-Cookie: x', 'b')],
    ['value', () => serializeCookie('a', 'b\r\nX: y')],
    ['value with a tab', () => serializeCookie('a', 'b\tc')],
    ['domain', () => serializeCookie('a', 'b', { domain: 'example.com\r\nX: y' })],
    ['path', () => serializeCookie('a', 'b', { path: '/\nX: y' })],
    ['name with a semicolon', () => serializeCookie('a; Domain=evil.com', 'b')],
    ['empty name', () => serializeCookie('', 'b')],
    ['domain with an attribute', () => serializeCookie('a', 'b', { domain: 'x.com; Secure' })],
    ['NaN max age', () => serializeCookie('a', 'b', { maxAge: Number.NaN })],
    ['invalid date', () => serializeCookie('a', 'b', { expires: new Date('nope') })],
  ])('throws a TypeError for a bad %s', (_label, make) => {
    expect(make).toThrow(TypeError);
  });

  it('warns when the header is larger than maxSize', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      serializeCookie('big', 'x'.repeat(50), { maxSize: 20 });
      serializeCookie('small', 'x', { maxSize: 20 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/'big' cookie is too large/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('parseCookieHeader', () => {
  it('returns an empty map for no header', () => {
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader('').size).toBe(0);
  });

  it('parses like Werkzeug, keeping the first of repeated names', () => {
    const cookies = parseCookieHeader(
      'a=1; a=2; b="x\\"y\\054z"; ;c; =d; e = f ; g="\\303\\251"; h="a;b"; i="j"k; l=m n',
    );
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['b', 'x"y,z'],
      ['c', ''],
      ['e', 'f'],
      ['g', 'é'],
      ['h', 'a;b'],
      ['i', '"j"k'],
      ['l', 'm n'],
    ]);
  });

  it('tolerates broken quoting', () => {
    expect([...parseCookieHeader('x="\\q\\"";y=="; z="open; w=1')]).toEqual([
      ['x', 'q"'],
      ['y', '="'],
      ['z', '"open'],
      ['w', '1'],
    ]);
  });

  it('reads UTF-8 bytes that Node decoded as latin1', () => {
    const header = Buffer.from('name=Jürgen', 'utf8').toString('latin1');
    expect(parseCookieHeader(header).get('name')).toBe('Jürgen');
  });

  it('round-trips values written by serializeCookie', () => {
    for (const value of ['plain', 'with space', 'q"uo\\te', 'semi;colon,comma', 'ünïcødé €', '']) {
      const pair = serializeCookie('k', value).split('; Path=')[0]!;
      expect(parseCookieHeader(pair).get('k')).toBe(value);
    }
  });

  it('leaves a bare value alone when unquoting', () => {
    expect(unquoteCookieValue('abc')).toBe('abc');
    expect(unquoteCookieValue('"a\\\\b"')).toBe('a\\b');
  });
});

describe("response.setCookie and the app's MAX_COOKIE_SIZE (Flask's Response.max_cookie_size)", () => {
  /** The cookie-size warnings emitted while `fn` runs. */
  async function warningsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await fn();
      return warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('cookie is too large'));
    } finally {
      warn.mockRestore();
    }
  }

  function appWith(maxCookieSize: number): App {
    const app = new App({ config: { MAX_COOKIE_SIZE: maxCookieSize } });
    app.get('/', function set() {
      return new Response('ok').setCookie('prefs', 'x'.repeat(200));
    });
    return app;
  }

  it('warns above the limit the app configured, and not at all with 0', async () => {
    expect(await warningsDuring(() => appWith(100).testClient().get('/'))).toEqual([expect.stringContaining('the limit is 100 bytes')]);
    expect(await warningsDuring(() => appWith(0).testClient().get('/'))).toEqual([]);
    expect(await warningsDuring(() => appWith(4093).testClient().get('/'))).toEqual([]);
  });

  it('uses 4093 outside a request, and an explicit maxSize over the config', async () => {
    expect(await warningsDuring(async () => new Response('').setCookie('big', 'x'.repeat(5000)))).toHaveLength(1);
    const app = appWith(100);
    app.get('/explicit', () => new Response('ok').setCookie('prefs', 'x'.repeat(200), { maxSize: 1000 }));
    expect(await warningsDuring(() => app.testClient().get('/explicit'))).toEqual([]);
  });
});
