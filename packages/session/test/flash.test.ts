import { afterEach, describe, expect, it, vi } from 'vitest';
import { Markup, request } from '@micro/core';
import { flash, getFlashedMessages, sessions, SessionCookieSerializer, Tuple, type FlashMessage } from '@micro/session';
import { dumps } from '../src/tagged-json.js';
import { flaskHttp, quietApp, shape } from './helpers.js';

const fx = flaskHttp.flash;

/** The same app make_http_fixtures.py runs in Flask. */
function flashApp() {
  const app = quietApp({ config: { SECRET_KEY: fx.secret, SESSION_COOKIE_SAMESITE: null } });
  sessions(app);
  app.get('/flash', function doFlash() {
    for (const [category, message] of fx.flashes) flash(category === 'info' ? new Markup(message) : message, category);
    return 'flashed';
  });
  app.get('/show', function show() {
    const filter = request.args.getAll('filter');
    const withCategories = request.args.get('cats') === '1';
    const first = getFlashedMessages({ withCategories, categoryFilter: filter });
    const second = getFlashedMessages({ withCategories: true });
    const plain = (x: FlashMessage | readonly [string, FlashMessage]) => (typeof x === 'object' && Array.isArray(x) ? [x[0], String(x[1])] : String(x));
    return { first: first.map(plain), second: second.map(plain) };
  });
  return app;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('flash crosses between Flask and micro', () => {
  it('micro writes the cookie Flask wrote for the same flashes and second (same data; the zlib stream is node:zlib\'s)', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(fx.signed_at * 1000);
    const r = await flashApp().testClient().get('/flash');
    const [header] = r.headers.getSetCookie();
    expect(shape(header!)).toBe(fx.flash_response.set_cookie[0]);
    const value = header!.split(';')[0]!.slice('session='.length);
    const serializer = new SessionCookieSerializer({ secretKey: fx.secret });
    const read = (cookie: string) => serializer.loadsWithTimestamp(cookie, { now: fx.signed_at });
    expect(value.startsWith('.')).toBe(fx.cookie.startsWith('.'));
    expect(dumps(read(value).data)).toBe(dumps(read(fx.cookie).data));
    expect(read(value).timestamp).toBe(fx.signed_at);
    expect(r.headers.get('vary')).toBe(fx.flash_response.vary);
  });

  it('stores (category, message) tuples under _flashes, as Flask', () => {
    const data = new SessionCookieSerializer({ secretKey: fx.secret }).loads(fx.cookie, { now: fx.signed_at });
    const flashes = data._flashes as unknown[][];
    expect(flashes.map((f) => [f[0], String(f[1])])).toEqual(fx.flashes);
    expect(flashes[2]![1]).toBeInstanceOf(Markup);
    expect(flashes.every((f) => Tuple.isTuple(f))).toBe(true);
  });

  for (const view of fx.views) {
    it(`micro reads Flask's flash cookie: /show${view.query}`, async () => {
      vi.spyOn(Date, 'now').mockReturnValue(fx.signed_at * 1000);
      const r = await flashApp().testClient().get('/show' + view.query, { headers: { cookie: `session=${fx.cookie}` } });
      expect(r.json()).toEqual(view.json);
      // The messages were consumed: the emptied session's cookie is deleted.
      expect(r.headers.getSetCookie().map(shape)).toEqual(view.set_cookie);
    });
  }

  it('keeps messages until they are shown, across requests, then clears them', async () => {
    const client = flashApp().testClient();
    await client.get('/flash');
    const shown = await client.get('/show?cats=1');
    expect((shown.json() as { first: unknown[] }).first).toEqual(fx.flashes);
    const again = await client.get('/show');
    expect(again.json()).toEqual({ first: [], second: [] });
  });

  it('flash without a secret key fails with Flask\'s message', async () => {
    const app = quietApp();
    sessions(app);
    app.get('/', () => (flash('hi'), 'ok'));
    app.get('/read', () => ({ messages: getFlashedMessages() as string[] }));
    const client = app.testClient();
    expect((await client.get('/read')).json()).toEqual({ messages: [] });
    expect((await client.get('/')).status).toBe(500);
    expect(app.logs.error.join('\n')).toContain(flaskHttp.no_secret.write_error);
  });
});
