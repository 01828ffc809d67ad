/**
 * The app's static folder and blueprints' static folders, as Flask sets them
 * up: the `static` route, its options (staticFolder, staticUrlPath,
 * staticHost, rootPath), urlFor, and SEND_FILE_MAX_AGE_DEFAULT.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Blueprint, OutsideContextError, sendFile, urlFor } from '@micro/core';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'micro-static-'));
  const files: Record<string, string> = {
    'static/css/app.css': 'body { margin: 0 }\n',
    'static/hello.txt': 'hello from static\n',
    'assets/logo.svg': '<svg/>\n',
    'admin/static/admin.js': 'admin()\n',
    'shop/public/cart.js': 'cart()\n',
    'docs/readme.txt': 'read me\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the app's static folder", () => {
  it('serves static/ at /static/<path:filename> by default, found from rootPath', async () => {
    const app = new App({ rootPath: root });
    expect(app.rootPath).toBe(root);
    expect(app.config.rootPath).toBe(root);
    expect(app.staticFolder).toBe(join(root, 'static'));
    expect(app.staticUrlPath).toBe('/static');
    expect(app.hasStaticFolder).toBe(true);
    const client = app.testClient();
    const res = await client.get('/static/css/app.css');
    expect(res.status).toBe(200);
    expect(res.text).toBe('body { margin: 0 }\n');
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect((await client.get('/static/nope.css')).status).toBe(404);
    expect(app.router.rules.find((r) => r.endpoint === 'static')?.rule).toBe('/static/<path:filename>');
  });

  it('defaults rootPath to the working directory, as documented', () => {
    const app = new App();
    expect(app.rootPath).toBe(process.cwd());
    expect(app.staticFolder).toBe(join(process.cwd(), 'static'));
  });

  it('registers the route even before the folder exists (as Flask), answering 404 until it does', async () => {
    const app = new App({ rootPath: join(root, 'nowhere') });
    expect((await app.testClient().get('/static/x.txt')).status).toBe(404);
  });

  it('staticFolder picks another folder; the URL path follows its name', async () => {
    const app = new App({ rootPath: root, staticFolder: 'assets' });
    expect(app.staticUrlPath).toBe('/assets');
    expect((await app.testClient().get('/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect((await app.testClient().get('/static/hello.txt')).status).toBe(404);
  });

  it('staticUrlPath moves the route, including to the site root', async () => {
    const moved = new App({ rootPath: root, staticUrlPath: '/s' });
    expect((await moved.testClient().get('/s/hello.txt')).text).toBe('hello from static\n');
    const atRoot = new App({ rootPath: root, staticUrlPath: '' });
    atRoot.get('/', () => 'index');
    expect((await atRoot.testClient().get('/hello.txt')).text).toBe('hello from static\n');
    expect((await atRoot.testClient().get('/')).text).toBe('index');
  });

  it('staticFolder: null has no static route and no static endpoint', async () => {
    const app = new App({ rootPath: root, staticFolder: null });
    expect(app.hasStaticFolder).toBe(false);
    expect(app.staticFolder).toBeNull();
    expect(app.staticUrlPath).toBeNull();
    expect((await app.testClient().get('/static/hello.txt')).status).toBe(404);
    expect(() => app.appContext(() => urlFor('static', { filename: 'x' }))).toThrow(/static/);
  });

  it('an absolute staticFolder is used as it is', async () => {
    const app = new App({ rootPath: '/', staticFolder: join(root, 'docs') });
    expect(app.staticUrlPath).toBe('/docs');
    expect((await app.testClient().get('/docs/readme.txt')).text).toBe('read me\n');
  });

  it('rootPath can be changed after construction (app.config.rootPath is the same value)', async () => {
    const app = new App({ rootPath: '/' });
    app.rootPath = root;
    expect(app.config.rootPath).toBe(root);
    expect((await app.testClient().get('/static/hello.txt')).status).toBe(200);
  });

  it('staticHost: the static route answers on that host only, and its URLs name it', async () => {
    const app = new App({ rootPath: root, staticHost: 'static.example.com' });
    app.get('/', () => urlFor('static', { filename: 'hello.txt' }));
    const www = app.testClient({ baseUrl: 'http://www.example.com' });
    expect((await www.get('/')).text).toBe('http://static.example.com/static/hello.txt');
    expect((await www.get('/static/hello.txt')).status).toBe(404);
    const cdn = app.testClient({ baseUrl: 'http://static.example.com' });
    expect((await cdn.get('/static/hello.txt')).text).toBe('hello from static\n');
    expect((await cdn.get('/')).text).toBe('/static/hello.txt');
  });

  it('SEND_FILE_MAX_AGE_DEFAULT sets Cache-Control and Expires, in seconds or as a duration', async () => {
    const app = new App({ rootPath: root, config: { SEND_FILE_MAX_AGE_DEFAULT: 3600 } });
    const res = await app.testClient().get('/static/hello.txt');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const expires = Date.parse(res.headers.get('expires')!);
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(5_000);
    const hours = new App({ rootPath: root });
    hours.config.fromMapping({ SEND_FILE_MAX_AGE_DEFAULT: { hours: 12 } });
    expect(hours.config.SEND_FILE_MAX_AGE_DEFAULT).toBe(43_200);
    expect((await hours.testClient().get('/static/hello.txt')).headers.get('cache-control')).toBe('public, max-age=43200');
  });

  it('getSendFileMaxAge can be overridden, as Flask apps do for per-file policies', async () => {
    class LongLivedCss extends App {
      override getSendFileMaxAge(filename: string | null): number | null {
        return filename?.endsWith('.css') ? 31_536_000 : super.getSendFileMaxAge(filename);
      }
    }
    const app = new LongLivedCss({ rootPath: root });
    const client = app.testClient();
    expect((await client.get('/static/css/app.css')).headers.get('cache-control')).toBe('public, max-age=31536000');
    expect((await client.get('/static/hello.txt')).headers.get('cache-control')).toBe('no-cache');
  });

  it('urlFor builds static URLs, external ones too', async () => {
    const app = new App({ rootPath: root, config: { SERVER_NAME: 'example.com' } });
    app.get('/page', () => urlFor('static', { filename: 'css/app.css', v: 3 }));
    expect((await app.testClient({ baseUrl: 'http://example.com' }).get('/page')).text).toBe('/static/css/app.css?v=3');
    expect(app.appContext(() => urlFor('static', { filename: 'hello.txt' }))).toBe('http://example.com/static/hello.txt');
  });

  it('sendFile takes a file: URL; other methods than GET and HEAD get the file without conditional handling', async () => {
    const app = new App({ rootPath: '/' });
    app.route('/doc', { methods: ['GET', 'POST'] })(() => sendFile(new URL(`file://${join(root, 'docs', 'readme.txt')}`)));
    const client = app.testClient();
    const get = await client.get('/doc');
    expect(get.text).toBe('read me\n');
    expect(get.headers.get('accept-ranges')).toBe('bytes');
    const post = await client.post('/doc', { headers: { Range: 'bytes=0-1', 'If-None-Match': get.headers.get('etag')! } });
    expect(post.status).toBe(200);
    expect(post.text).toBe('read me\n');
    expect(post.headers.get('accept-ranges')).toBeNull();
  });

  it('a stream sendFile cannot send (no name to type it by, a 412) is closed, not left open', async () => {
    const app = new App({ rootPath: root, config: { TESTING: true } });
    const streams: Readable[] = [];
    const stream = () => {
      const s = Readable.from(['0123456789']);
      streams.push(s);
      return s;
    };
    app.get('/untyped', () => sendFile(stream()));
    app.get('/typed', () => sendFile(stream(), { mimetype: 'text/plain', etag: 'v1' }));
    const client = app.testClient();
    await expect(client.get('/untyped')).rejects.toThrow(/Unable to detect the MIME type/);
    expect((await client.get('/typed', { headers: { 'If-Match': '"v2"' } })).status).toBe(412);
    expect(streams.map((s) => s.destroyed)).toEqual([true, true]);
  });

  it('sendFile needs a request: outside one it says so', async () => {
    const app = new App({ rootPath: root });
    await expect(app.appContext(() => sendFile('static/hello.txt'))).rejects.toThrow(OutsideContextError);
  });
});

describe('blueprint static folders', () => {
  it('serve under the blueprint prefix as name.static, and urlFor builds them', async () => {
    const app = new App({ rootPath: root });
    const admin = new Blueprint('admin', { urlPrefix: '/admin', staticFolder: 'admin/static' });
    admin.get('/', () => [urlFor('admin.static', { filename: 'admin.js' }), urlFor('.static', { filename: 'x.js' })].join(' '));
    app.registerBlueprint(admin);
    expect(admin.staticUrlPath).toBe('/static');
    const client = app.testClient();
    const js = await client.get('/admin/static/admin.js');
    expect(js.text).toBe('admin()\n');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await client.get('/admin/')).text).toBe('/admin/static/admin.js /admin/static/x.js');
    expect((await client.get('/static/admin.js')).status).toBe(404);
  });

  it('take a file: URL and a staticUrlPath of their own', async () => {
    const app = new App({ rootPath: '/' });
    const shop = new Blueprint('shop', { staticFolder: pathToFileURL(join(root, 'shop', 'public')), staticUrlPath: '/assets' });
    app.registerBlueprint(shop, { urlPrefix: '/shop' });
    expect((await app.testClient().get('/shop/assets/cart.js')).text).toBe('cart()\n');
    expect(app.appContext(() => app.urlFor('shop.static', { filename: 'cart.js' }, { external: false }))).toBe('/shop/assets/cart.js');
  });

  it('a blueprint without a prefix does not shadow the app static route (the app registered first, as in Flask)', async () => {
    const app = new App({ rootPath: root });
    app.registerBlueprint(new Blueprint('admin', { staticFolder: 'admin/static' }));
    const client = app.testClient();
    expect((await client.get('/static/hello.txt')).text).toBe('hello from static\n');
  });

  it('a blueprint without a static folder has no static route', () => {
    const bp = new Blueprint('plain');
    expect(bp.hasStaticFolder).toBe(false);
    expect(bp.deferred).toHaveLength(0);
  });
});
