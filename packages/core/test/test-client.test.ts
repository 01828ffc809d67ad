import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CookieJar } from '../src/cookie-jar.js';
import { parseCookieHeader, serializeCookie } from '../src/cookies.js';
import { TestClient, TestResponse } from '../src/testing/test-client.js';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers with what it received. */
const echo: RequestListener = (req, res) => {
  void readBody(req).then((body) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: body.toString('utf8'),
        encrypted: Boolean((req.socket as { encrypted?: boolean }).encrypted),
        cookies: Object.fromEntries(parseCookieHeader(req.headers.cookie)),
      }),
    );
  });
};

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  encrypted: boolean;
  cookies: Record<string, string>;
}

/** `/set?h=<Set-Cookie header>` sets cookies; anything else echoes. */
const cookieApp: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.endsWith('/set')) {
    res.setHeader('set-cookie', url.searchParams.getAll('h'));
    res.end('ok');
    return;
  }
  echo(req, res);
};

function redirectApp(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const to = url.searchParams.get('to');
  const status = Number(url.searchParams.get('status') ?? 302);
  if (url.pathname === '/redirect' && to) {
    res.writeHead(status, { location: to, 'set-cookie': `hop=${status}` });
    res.end();
    return;
  }
  if (url.pathname === '/loop') {
    res.writeHead(302, { location: '/loop' });
    res.end();
    return;
  }
  echo(req, res);
}

const clients: TestClient[] = [];
function client(listener: RequestListener, options?: ConstructorParameters<typeof TestClient>[1]): TestClient {
  const c = new TestClient(listener, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('requests', () => {
  it('sends the method, path and query, with Host from baseUrl', async () => {
    const res = await client(echo).get('/items?a=1', { query: { b: 2, flag: true, tag: ['x', 'y'] } });
    expect(res.status).toBe(200);
    expect(res).toBeInstanceOf(TestResponse);
    const seen = res.json<Echo>();
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/items?a=1&b=2&flag=true&tag=x&tag=y');
    expect(seen.headers.host).toBe('localhost');
    expect(seen.encrypted).toBe(false);
    expect(res.url).toBe('/items?a=1&b=2&flag=true&tag=x&tag=y');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('accepts the query as a string or URLSearchParams', async () => {
    const c = client(echo);
    expect((await c.get('/q', { query: 'x=1&x=2' })).json<Echo>().url).toBe('/q?x=1&x=2');
    expect((await c.get('/q', { query: new URLSearchParams({ y: 'a b' }) })).json<Echo>().url).toBe('/q?y=a+b');
  });

  it('presents an https baseUrl as an encrypted socket and its host', async () => {
    const seen = (await client(echo, { baseUrl: 'https://example.com:8443' }).get('/')).json<Echo>();
    expect(seen.headers.host).toBe('example.com:8443');
    expect(seen.encrypted).toBe(true);
  });

  it('uses the host of a full URL', async () => {
    const seen = (await client(echo).get('http://api.localhost/x')).json<Echo>();
    expect(seen.headers.host).toBe('api.localhost');
    expect(seen.url).toBe('/x');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const)('sends %s', async (method) => {
    const c = client(echo);
    const call = { POST: c.post, PUT: c.put, PATCH: c.patch, DELETE: c.delete, OPTIONS: c.options }[method];
    expect((await call.call(c, '/m')).json<Echo>().method).toBe(method);
  });

  it('sends a HEAD request and gets no body', async () => {
    const res = await client((req, res) => {
      res.setHeader('x-method', req.method ?? '');
      res.end('body for GET');
    }).head('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-method')).toBe('HEAD');
    expect(res.body.length).toBe(0);
  });

  it('sends custom headers, repeated ones included', async () => {
    const seen = (
      await client(echo).get('/', { headers: { 'X-Token': 'abc', Accept: ['text/html', 'application/json'] } })
    ).json<Echo>();
    expect(seen.headers['x-token']).toBe('abc');
    expect(seen.headers.accept).toBe('text/html, application/json');
  });

  it('encodes a form, JSON and a raw body', async () => {
    const c = client(echo);
    const form = (await c.post('/', { form: { name: 'Ada L', tag: ['a', 'b'] } })).json<Echo>();
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.body).toBe('name=Ada+L&tag=a&tag=b');

    const json = (await c.post('/', { json: { n: 1, s: 'é' } })).json<Echo>();
    expect(json.headers['content-type']).toBe('application/json');
    expect(JSON.parse(json.body)).toEqual({ n: 1, s: 'é' });

    const raw = (await c.put('/', { body: Buffer.from('raw bytes'), headers: { 'Content-Type': 'text/plain' } })).json<Echo>();
    expect(raw.headers['content-type']).toBe('text/plain');
    expect(raw.headers['content-length']).toBe('9');
    expect(raw.body).toBe('raw bytes');
  });

  it('encodes a multipart form that busboy can read', async () => {
    const received: Record<string, unknown>[] = [];
    const app: RequestListener = (req, res) => {
      const bb = busboy({ headers: req.headers });
      bb.on('field', (name, value) => received.push({ name, value }));
      bb.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () =>
          received.push({ name, filename: info.filename, type: info.mimeType, content: Buffer.concat(chunks).toString() }),
        );
      });
      bb.on('close', () => res.end('done'));
      req.pipe(bb);
    };
    const res = await client(app).post('/upload', {
      multipart: {
        title: 'Report "Q1"',
        tags: ['a', 'b'],
        file: { content: Buffer.from('hello file'), filename: 'notes.txt', contentType: 'text/plain' },
        blob: { content: 'bin', filename: 'x.bin' },
      },
    });
    expect(res.text).toBe('done');
    expect(received).toEqual([
      { name: 'title', value: 'Report "Q1"' },
      { name: 'tags', value: 'a' },
      { name: 'tags', value: 'b' },
      { name: 'file', filename: 'notes.txt', type: 'text/plain', content: 'hello file' },
      { name: 'blob', filename: 'x.bin', type: 'application/octet-stream', content: 'bin' },
    ]);
  });

  it('refuses two kinds of body at once', async () => {
    await expect(client(echo).post('/', { json: {}, form: {} })).rejects.toThrow(TypeError);
  });

  it('runs concurrent requests', async () => {
    const c = client(echo);
    const paths = ['/a', '/b', '/c', '/d', '/e'];
    const responses = await Promise.all(paths.map((p) => c.get(p)));
    expect(responses.map((r) => r.json<Echo>().url)).toEqual(paths);
  });

  it('restarts after close()', async () => {
    const c = client(echo);
    expect((await c.get('/one')).status).toBe(200);
    await c.close();
    expect((await c.get('/two')).json<Echo>().url).toBe('/two');
  });

  it('answers 500 when the listener throws synchronously', async () => {
    const res = await client(() => {
      throw new Error('kaboom');
    }).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toContain('kaboom');
  });

  it('says what came back when the body is not JSON', async () => {
    const res = await client((_req, res) => res.end('<html>')).get('/page');
    expect(() => res.json()).toThrow(/200.*\/page.*not JSON/);
  });
});

describe('cookies', () => {
  const set = (...headers: string[]) => `/set?${headers.map((h) => `h=${encodeURIComponent(h)}`).join('&')}`;

  it('stores cookies the app sets and sends them back', async () => {
    const c = client(cookieApp);
    await c.get(set(serializeCookie('user', 'Ada Lovelace; "x"'), 'theme=dark; Path=/'));
    expect(c.cookies.get('user')).toBe('Ada Lovelace; "x"');
    const seen = (await c.get('/')).json<Echo>();
    expect(seen.cookies).toEqual({ user: 'Ada Lovelace; "x"', theme: 'dark' });
  });

  it('scopes cookies by path, defaulting to the directory of the request', async () => {
    const c = client(cookieApp);
    await c.get(set('admin=1; Path=/admin'));
    await c.get('/account/set?h=dir%3D1');
    expect((await c.get('/')).json<Echo>().cookies).toEqual({});
    expect((await c.get('/admin/users')).json<Echo>().cookies).toEqual({ admin: '1' });
    expect((await c.get('/administrator')).json<Echo>().cookies).toEqual({});
    expect((await c.get('/account/x')).json<Echo>().cookies).toEqual({ dir: '1' });
    expect(c.cookieHeaderFor('/admin')).toBe('admin=1');
  });

  it('sends the longest path first', async () => {
    const c = client(cookieApp);
    await c.get(set('k=root; Path=/', 'k=deep; Path=/a/b'));
    expect(c.cookieHeaderFor('/a/b/c')).toBe('k=deep; k=root');
    expect((await c.get('/a/b/c')).json<Echo>().cookies.k).toBe('deep');
  });

  it('shares Domain cookies with subdomains and ignores foreign domains', async () => {
    const c = client(cookieApp, { baseUrl: 'http://example.com' });
    await c.get(set('shared=1; Domain=example.com', 'host=1', 'evil=1; Domain=other.com'));
    expect(c.cookies.all().map((k) => k.name).sort()).toEqual(['host', 'shared']);
    expect((await c.get('http://api.example.com/')).json<Echo>().cookies).toEqual({ shared: '1' });
    expect((await c.get('/')).json<Echo>().cookies).toEqual({ shared: '1', host: '1' });
  });

  it('deletes a cookie on Max-Age=0 or a past Expires', async () => {
    const c = client(cookieApp);
    await c.get(set('a=1', 'b=2', 'c=3'));
    await c.get(set('a=; Max-Age=0', 'b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    expect(c.cookies.all().map((k) => k.name)).toEqual(['c']);
  });

  it('lets Max-Age win over Expires and forgets cookies once they expire', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
    const c = client(cookieApp);
    await c.get(set('short=1; Max-Age=60; Expires=Thu, 01 Jan 2032 00:00:00 GMT', 'long=1; Max-Age=3600'));
    expect(c.cookies.all().find((k) => k.name === 'short')?.expires).toEqual(new Date('2030-01-01T00:01:00Z'));
    vi.setSystemTime(new Date('2030-01-01T00:02:00Z'));
    expect((await c.get('/')).json<Echo>().cookies).toEqual({ long: '1' });
  });

  it('sends Secure cookies only to https', async () => {
    const plain = client(cookieApp);
    await plain.get(set('s=1; Secure', 'p=1'));
    expect((await plain.get('/')).json<Echo>().cookies).toEqual({ p: '1' });

    const secure = client(cookieApp, { baseUrl: 'https://localhost' });
    await secure.get(set('s=1; Secure; HttpOnly; SameSite=Strict'));
    expect((await secure.get('/')).json<Echo>().cookies).toEqual({ s: '1' });
    expect(secure.cookies.all()[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
  });

  it('sends cookies set on the jar and stops after delete', async () => {
    const c = client(echo);
    c.cookies.set('token', 'a b,c');
    c.cookies.set('scoped', '1', { path: '/api' });
    expect((await c.get('/api/x')).json<Echo>().cookies).toEqual({ scoped: '1', token: 'a b,c' });
    c.cookies.delete('token');
    expect((await c.get('/')).json<Echo>().cookies).toEqual({});
    expect(c.cookies.get('scoped', { path: '/api' })).toBe('1');
    expect(c.cookies.get('scoped', { path: '/' })).toBeUndefined();
  });

  it('puts an explicit Cookie header first', async () => {
    const c = client(echo);
    c.cookies.set('a', 'jar');
    const seen = (await c.get('/', { headers: { Cookie: 'a=explicit' } })).json<Echo>();
    expect(seen.headers.cookie).toBe('a=explicit; a=jar');
    expect(seen.cookies.a).toBe('explicit');
  });

  it('neither stores nor sends cookies with useCookies: false', async () => {
    const c = client(cookieApp, { useCookies: false });
    await c.get(set('a=1'));
    expect(c.cookies.all()).toEqual([]);
    c.cookies.set('b', '2');
    expect((await c.get('/')).json<Echo>().cookies).toEqual({});
  });
});

describe('CookieJar', () => {
  it('ignores malformed Set-Cookie headers and keeps creation order on replace', () => {
    const jar = new CookieJar();
    jar.store(['novalue', '=nameless', 'a=1', 'b=2', 'a=3'], 'http://localhost/');
    expect(jar.all().map((c) => `${c.name}=${c.value}`)).toEqual(['a=3', 'b=2']);
  });

  it('does not share Domain cookies with IP addresses', () => {
    const jar = new CookieJar();
    jar.store(['a=1; Domain=0.0.1'], 'http://127.0.0.1/');
    expect(jar.size).toBe(0);
  });
});

describe('redirects', () => {
  it('returns the redirect itself by default', async () => {
    const res = await client(redirectApp).get('/redirect?to=/target');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/target');
    expect(res.history).toEqual([]);
  });

  it.each([301, 302, 303])('turns a POST into a GET without body after %i', async (status) => {
    const res = await client(redirectApp).post(`/redirect?to=/target&status=${status}`, {
      form: { a: '1' },
      followRedirects: true,
    });
    const seen = res.json<Echo>();
    expect(seen.method).toBe('GET');
    expect(seen.body).toBe('');
    expect(seen.headers['content-type']).toBeUndefined();
    expect(seen.cookies).toEqual({ hop: String(status) });
    expect(res.url).toBe('/target');
    expect(res.history.map((r) => [r.status, r.url])).toEqual([[status, `/redirect?to=/target&status=${status}`]]);
  });

  it.each([307, 308])('repeats method and body after %i', async (status) => {
    const res = await client(redirectApp, { followRedirects: true }).put(`/redirect?to=/target&status=${status}`, {
      json: { keep: true },
    });
    const seen = res.json<Echo>();
    expect(seen.method).toBe('PUT');
    expect(JSON.parse(seen.body)).toEqual({ keep: true });
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('follows a chain, including absolute same-host locations, keeping history', async () => {
    const c = client(redirectApp, { followRedirects: true });
    const hop2 = `/redirect?to=${encodeURIComponent('http://localhost/final?x=1')}`;
    const res = await c.get(`/redirect?to=${encodeURIComponent(hop2)}`);
    expect(res.status).toBe(200);
    expect(res.url).toBe('/final?x=1');
    expect(res.history).toHaveLength(2);
    expect(res.history[1]!.url).toBe(hop2);
  });

  it('refuses to follow an external redirect', async () => {
    const res = client(redirectApp, { followRedirects: true }).get('/redirect?to=https://elsewhere.org/');
    await expect(res).rejects.toThrow(/external redirect/);
  });

  it('stops a redirect loop', async () => {
    await expect(client(redirectApp, { followRedirects: true }).get('/loop')).rejects.toThrow(/Too many redirects/);
  });
});
