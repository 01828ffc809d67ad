import { afterEach, describe, expect, it, vi } from 'vitest';
import { abort, escape, redirect, request, urlFor, type App, type TestResponse } from '@micro/core';
import { SecureCookieSessionInterface, Session, dumpsSessionCookie, loadsSessionCookie, session, sessions } from '@micro/session';
import { flaskHttp, quietApp, shape, vectors, type Recorded } from './helpers.js';

const LOGIN_FORM = `
        <form method="post">
            <p><input type=text name=username>
            <p><input type=submit value=Login>
        </form>
    `;

/** The Flask docs' login demo, as make_http_fixtures.py serves it from Flask. */
function loginApp(config: Record<string, unknown> = {}): App {
  const app = quietApp({ config: { SECRET_KEY: flaskHttp.secret, ...config } });
  sessions(app);
  app.get('/', function index() {
    if (session.has('username')) return `Logged in as ${escape(session.get('username') as string)}`;
    return 'You are not logged in';
  });
  app.route('/login', { methods: ['GET', 'POST'] })(async function login() {
    if (request.method === 'POST') {
      const username = (await request.form()).get('username');
      if (username === undefined) abort(400);
      session.set('username', username);
      return redirect(urlFor('index'));
    }
    return LOGIN_FORM;
  });
  app.get('/logout', function logout() {
    session.pop('username', null);
    return redirect(urlFor('index'));
  });
  return app;
}

function record(r: TestResponse): Recorded {
  return {
    status: r.status,
    location: r.headers.get('location'),
    vary: r.headers.get('vary'),
    set_cookie: r.headers.getSetCookie().map(shape),
    content_type: r.headers.get('content-type'),
    body: r.text,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the login demo answers as Flask does', () => {
  it('matches Flask step by step (SameSite unset, as Flask defaults)', async () => {
    const client = loginApp({ SESSION_COOKIE_SAMESITE: null }).testClient();
    for (const step of flaskHttp.login) {
      const r = await client.request(step.method, step.path, step.form ? { form: step.form } : {});
      const { method, path, form, ...expected } = step;
      expect({ method, path, form, ...record(r) }).toEqual({ method, path, form, ...expected });
    }
  });

  it('adds SameSite=Lax by default, and otherwise writes the same headers', async () => {
    const client = loginApp().testClient();
    const r = await client.post('/login', { form: { username: 'ada' } });
    expect(r.headers.getSetCookie().map(shape)).toEqual(['session=<value>; HttpOnly; Path=/; SameSite=Lax']);
    const out = await client.get('/logout');
    expect(out.headers.getSetCookie()).toEqual(['session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax']);
  });

  it('writes a cookie Flask reads: same bytes as Flask for the same second', async () => {
    const now = 1_795_400_000;
    vi.spyOn(Date, 'now').mockReturnValue(now * 1000);
    const client = loginApp().testClient();
    const r = await client.post('/login', { form: { username: 'ada' } });
    const value = r.headers.getSetCookie()[0]!.split(';')[0]!.slice('session='.length);
    expect(value).toBe(dumpsSessionCookie({ username: 'ada' }, flaskHttp.secret, now));
  });
});

describe('cookie attributes and saving rules, against Flask', () => {
  for (const variant of flaskHttp.attributes) {
    it(`config ${JSON.stringify(variant.config)}`, async () => {
      const app = quietApp({ config: { SECRET_KEY: flaskHttp.secret, SESSION_COOKIE_SAMESITE: null, ...variant.config } });
      sessions(app);
      app.get('/set', () => (session.set('x', 1), 'set'));
      app.get('/permanent', () => {
        session.permanent = true;
        session.set('x', 1);
        return 'permanent';
      });
      app.get('/read', () => String(session.get('x') ?? 'None'));
      app.get('/clear', () => (session.clear(), 'clear'));
      // Werkzeug's test client mounts the app at APPLICATION_ROOT and sends Secure cookies over
      // plain http; ours keeps to RFC 6265, so a Secure cookie needs https to come back.
      const secure = Boolean(variant.config.SESSION_COOKIE_SECURE || variant.config.SESSION_COOKIE_PARTITIONED);
      const client = app.testClient({ baseUrl: secure ? 'https://localhost' : 'http://localhost' });
      const root = typeof variant.config.APPLICATION_ROOT === 'string' ? variant.config.APPLICATION_ROOT : '';
      for (const step of ['set', 'read', 'clear', 'permanent', 'read-after-permanent', 'clear-after-permanent']) {
        const r = await client.get(root + '/' + step.replace('-after-permanent', ''));
        const expected = variant[step]!;
        expect({ step, vary: r.headers.get('vary'), setCookie: r.headers.getSetCookie().map(shape) }).toEqual({
          step,
          vary: expected.vary,
          setCookie: expected.set_cookie,
        });
      }
    });
  }

  it('dates Expires PERMANENT_SESSION_LIFETIME ahead for a permanent session only', async () => {
    const app = quietApp({ config: { SECRET_KEY: 's', PERMANENT_SESSION_LIFETIME: 3600 } });
    sessions(app);
    app.get('/', () => {
      session.permanent = true;
      return 'ok';
    });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await app.testClient().get('/');
    const expires = Date.parse(/Expires=([^;]+)/.exec(r.headers.getSetCookie()[0]!)![1]!);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('logs Flask\'s warning, naming the size, for a cookie over MAX_COOKIE_SIZE', async () => {
    const big = flaskHttp.big_cookie;
    vi.spyOn(Date, 'now').mockReturnValue(big.signed_at * 1000);
    const app = quietApp({ config: { SECRET_KEY: flaskHttp.secret, SESSION_COOKIE_SAMESITE: null, MAX_COOKIE_SIZE: big.max_cookie_size } });
    sessions(app);
    app.get('/', () => (session.set('data', big.data), 'big'));
    const r = await app.testClient().get('/');
    const [header] = r.headers.getSetCookie();
    expect(r.headers.getSetCookie().map(shape)).toEqual([shape(big.set_cookie)]);
    // Flask compressed it with CPython's zlib, micro with node:zlib: same data, other bytes, so Flask's warning with micro's sizes.
    const value = header!.split(';')[0]!.slice('session='.length);
    const flaskValue = big.set_cookie.split(';')[0]!.slice('session='.length);
    expect(loadsSessionCookie(value, flaskHttp.secret)).toEqual(loadsSessionCookie(flaskValue, flaskHttp.secret));
    const sizes = /the value was \d+ bytes but the header required \d+ extra bytes. The final size was \d+ bytes/;
    expect(big.warnings[0]).toMatch(sizes);
    const ours = `the value was ${value.length} bytes but the header required ${header!.length - value.length} extra bytes. The final size was ${header!.length} bytes`;
    expect(app.logs.warn).toEqual([big.warnings[0]!.replace(sizes, ours)]);
  });

  it('rejects an unknown SameSite value with a clear error', () => {
    const app = quietApp({ config: { SECRET_KEY: 's' } });
    (app.config as unknown as Record<string, unknown>).SESSION_COOKIE_SAMESITE = 'sometimes';
    expect(() => new SecureCookieSessionInterface().getCookieSamesite(app)).toThrow(/SESSION_COOKIE_SAMESITE must be 'Strict', 'Lax', 'None' or null; got "sometimes"/);
    (app.config as unknown as Record<string, unknown>).SESSION_COOKIE_SAMESITE = 'strict';
    expect(new SecureCookieSessionInterface().getCookieSamesite(app)).toBe('Strict');
  });
});

describe('reading and writing sessions', () => {
  it('reads every valid Flask vector over HTTP and keeps the data', async () => {
    const { valid } = vectors;
    for (const v of valid) {
      vi.spyOn(Date, 'now').mockReturnValue(v.signed_at * 1000);
      const app = quietApp({ config: { SECRET_KEY: v.secret } });
      sessions(app);
      app.get('/', () => ({ keys: [...session.keys()].sort(), isNew: session.isNew }));
      const r = await app.testClient().get('/', { headers: { cookie: `session=${v.cookie}` } });
      const expected = Object.keys(JSON.parse(v.session_tagged_json) as object).sort();
      expect({ name: v.name, ...r.json<object>() }).toEqual({ name: v.name, keys: expected, isNew: false });
    }
  });

  it('saves a change made inside a nested value without marking it modified', async () => {
    const app = quietApp({ config: { SECRET_KEY: 's' } });
    sessions(app);
    app.get('/start', () => (session.set('cart', { items: ['apple'] }), 'ok'));
    app.get('/add', () => {
      (session.get('cart') as { items: string[] }).items.push(request.args.get('item') ?? '');
      return 'ok';
    });
    app.get('/show', () => session.get('cart') as Record<string, unknown>);
    const client = app.testClient();
    await client.get('/start');
    const added = await client.get('/add?item=pear');
    expect(added.headers.getSetCookie()).toHaveLength(1);
    expect((await client.get('/show')).json()).toEqual({ items: ['apple', 'pear'] });
  });

  it('sends no cookie and no Vary when the session was not touched', async () => {
    const app = quietApp({ config: { SECRET_KEY: 's' } });
    sessions(app);
    app.get('/', () => 'plain');
    const r = await app.testClient().get('/');
    expect(r.headers.get('vary')).toBeNull();
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('refreshes a permanent cookie on each request unless SESSION_REFRESH_EACH_REQUEST is off', async () => {
    for (const refresh of [true, false]) {
      const app = quietApp({ config: { SECRET_KEY: 's', SESSION_REFRESH_EACH_REQUEST: refresh } });
      sessions(app);
      app.get('/login', () => ((session.permanent = true), session.set('u', 1), 'ok'));
      app.get('/', () => String(session.get('u')));
      const client = app.testClient();
      await client.get('/login');
      const r = await client.get('/');
      expect(r.text).toBe('1');
      expect(r.headers.getSetCookie().length).toBe(refresh ? 1 : 0);
    }
  });

  describe('lazy opening', () => {
    /** Counts openSession calls, to see when core opens the session. */
    class CountingInterface extends SecureCookieSessionInterface {
      opened = 0;
      override openSession(app: App, req: Parameters<SecureCookieSessionInterface['openSession']>[1]) {
        this.opened++;
        return super.openSession(app, req);
      }
    }

    function countingApp(config: Record<string, unknown> = {}) {
      const app = quietApp({ config: { SECRET_KEY: 's', ...config } });
      const si = new CountingInterface();
      app.sessionInterface = si;
      app.get('/login', () => ((session.permanent = true), session.set('u', 1), 'ok'));
      app.get('/plain', () => 'plain');
      return { app, si };
    }

    it('never opens the session of a request that does not use it and carries no cookie', async () => {
      const { app, si } = countingApp();
      const r = await app.testClient().get('/plain');
      expect(r.text).toBe('plain');
      expect(si.opened).toBe(0);
      expect(r.headers.getSetCookie()).toEqual([]);
      expect(r.headers.get('vary')).toBeNull();
    });

    it('still refreshes a permanent cookie on a request that never used the session, as Flask does', async () => {
      const { app, si } = countingApp();
      const client = app.testClient();
      await client.get('/login');
      const before = si.opened;
      const r = await client.get('/plain');
      expect(si.opened).toBe(before + 1);
      const [cookie] = r.headers.getSetCookie();
      expect(cookie).toMatch(/^session=.+; Expires=.+; HttpOnly; Path=\/; SameSite=Lax$/);
      // Flask adds Vary: Cookie whenever it sets the cookie.
      expect(r.headers.get('vary')).toBe('Cookie');
    });

    it('does not open an unused session when SESSION_REFRESH_EACH_REQUEST is off', async () => {
      const { app, si } = countingApp({ SESSION_REFRESH_EACH_REQUEST: false });
      const client = app.testClient();
      await client.get('/login');
      const before = si.opened;
      const r = await client.get('/plain');
      expect(si.opened).toBe(before);
      expect(r.headers.getSetCookie()).toEqual([]);
    });

    it('opens the session once, in a before-request hook, and the view sees the same object', async () => {
      const { app, si } = countingApp();
      let fromHook: unknown;
      app.beforeRequest(() => {
        fromHook = session.get('u');
      });
      app.get('/same', (_params, ctx) => String(ctx.session === (app.sessionInterface && ctx.session) && fromHook));
      const client = app.testClient();
      await client.get('/login');
      const before = si.opened;
      expect((await client.get('/same')).text).toBe('1');
      expect(si.opened).toBe(before + 1);
    });

    it('answers 500 with a clear log line when a subclass with saveUnopened opens asynchronously', async () => {
      const app = quietApp({ config: { SECRET_KEY: 's' } });
      const errors: unknown[] = [];
      app.logger = { ...app.logger, error: (...args: unknown[]) => errors.push(args[1]) };
      class AsyncOpen extends SecureCookieSessionInterface {
        // A JavaScript subclass could do this; TypeScript's types forbid it.
        override openSession(a: App, r: Parameters<SecureCookieSessionInterface['openSession']>[1]) {
          return Promise.resolve(super.openSession(a, r)) as unknown as Session;
        }
      }
      app.sessionInterface = new AsyncOpen();
      app.get('/', () => String(session.get('u')));
      const r = await app.testClient().get('/');
      expect(r.status).toBe(500);
      expect(String(errors[0])).toMatch(/AsyncOpen\.openSession returned a promise.*saveUnopened/);
    });
  });

  it('rotates keys: a cookie signed with a fallback is read, and the next one is signed with SECRET_KEY', async () => {
    const old = dumpsSessionCookie({ user: 'ann' }, 'old-key');
    const app = quietApp({ config: { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['older-key', 'old-key'] } });
    sessions(app);
    app.get('/', () => {
      session.set('seen', true);
      return String(session.get('user'));
    });
    const r = await app.testClient().get('/', { headers: { cookie: `session=${old}` } });
    expect(r.text).toBe('ann');
    const value = r.headers.getSetCookie()[0]!.split(';')[0]!.slice('session='.length);
    const si = new SecureCookieSessionInterface();
    const onlyNew = quietApp({ config: { SECRET_KEY: 'new-key' } });
    expect(si.getSigningSerializer(onlyNew)!.loads(value)).toEqual({ seen: true, user: 'ann' });
  });

  it('builds the signing serializer once per key set', () => {
    const si = new SecureCookieSessionInterface();
    const app = quietApp({ config: { SECRET_KEY: 'a', SECRET_KEY_FALLBACKS: ['b'] } });
    const first = si.getSigningSerializer(app);
    expect(si.getSigningSerializer(app)).toBe(first);
    app.config.SECRET_KEY_FALLBACKS = ['b'];
    expect(si.getSigningSerializer(app)).toBe(first);
    app.config.SECRET_KEY = 'c';
    expect(si.getSigningSerializer(app)).not.toBe(first);
    app.config.SECRET_KEY = '';
    expect(si.getSigningSerializer(app)).toBeNull();
  });

  it('opens a new Session for no cookie and marks it new', () => {
    const si = new SecureCookieSessionInterface();
    const app = quietApp({ config: { SECRET_KEY: 'a' } });
    const s = app.appContext(() => si.openSession(app, { cookies: new Map() } as never));
    expect(s).toBeInstanceOf(Session);
    expect(s!.isNew).toBe(true);
  });
});

describe('without SECRET_KEY', () => {
  it('reads work and writes fail with Flask\'s message', async () => {
    const app = quietApp();
    sessions(app);
    app.get('/read', () => String(session.get('x') ?? 'None'));
    app.get('/write', () => (session.set('x', 1), 'written'));
    const client = app.testClient();
    const read = await client.get('/read');
    expect({ status: read.status, vary: read.headers.get('vary'), body: read.text }).toEqual({
      status: flaskHttp.no_secret.read.status,
      vary: flaskHttp.no_secret.read.vary,
      body: flaskHttp.no_secret.read.body,
    });
    const write = await client.get('/write');
    expect(write.status).toBe(500);
    expect(app.logs.error.join('\n')).toContain(flaskHttp.no_secret.write_error);
  });
});
