import { describe, expect, it } from 'vitest';
import { App, Blueprint, NotFound, g, hasAppContext, type AppTeardownHook } from '@micro/core';
import { quietApp } from './helpers.js';

class Forbidden extends Error {}

/** An app with a blueprint `bp` at /bp (its view `/bp/`) and an app route `/`. */
function appWith(bp: Blueprint): ReturnType<typeof quietApp> {
  const app = quietApp();
  bp.get('/', function bpIndex() {
    return 'bp';
  });
  app.get('/', function index() {
    return 'app';
  });
  app.registerBlueprint(bp, { urlPrefix: '/bp' });
  return app;
}

describe('blueprint app-wide hooks', () => {
  it('beforeAppRequest, afterAppRequest and teardownAppRequest run for every request of the app', async () => {
    const bp = new Blueprint('bp');
    const calls: string[] = [];
    bp.beforeAppRequest((ctx) => void calls.push(`before ${ctx.request.path}`));
    bp.afterAppRequest((res, ctx) => {
      calls.push(`after ${ctx.request.path}`);
      res.headers.set('X-App-Wide', 'yes');
    });
    bp.teardownAppRequest((err, ctx) => void calls.push(`teardown ${ctx.request.path} ${err}`));
    // The blueprint's own hooks still apply to its requests only.
    bp.beforeRequest(() => void calls.push('bp before'));
    const app = appWith(bp);
    const client = app.testClient();

    const res = await client.get('/');
    expect([res.text, res.headers.get('x-app-wide')]).toEqual(['app', 'yes']);
    expect(calls).toEqual(['before /', 'after /', 'teardown / null']);

    calls.length = 0;
    expect((await client.get('/bp/')).text).toBe('bp');
    expect(calls).toEqual(['before /bp/', 'bp before', 'after /bp/', 'teardown /bp/ null']);

    calls.length = 0;
    expect((await client.get('/missing')).status).toBe(404);
    expect(calls).toEqual(['before /missing', 'after /missing', 'teardown /missing null']);
  });

  it('go into the app’s own lists in registration order, as Flask’s (app hooks registered before the blueprint run first)', async () => {
    const app = quietApp();
    const calls: string[] = [];
    app.beforeRequest(() => void calls.push('app before'));
    app.afterRequest(() => void calls.push('app after'));
    const bp = new Blueprint('bp');
    bp.beforeAppRequest(() => void calls.push('bp before'));
    bp.afterAppRequest(() => void calls.push('bp after'));
    app.registerBlueprint(bp);
    app.get('/', () => 'ok');
    await app.testClient().get('/');
    // Before hooks in order; after hooks in reverse.
    expect(calls).toEqual(['app before', 'bp before', 'bp after', 'app after']);
  });

  it('a beforeAppRequest hook may answer instead of the view', async () => {
    const bp = new Blueprint('auth');
    bp.beforeAppRequest((ctx) => (ctx.request.path === '/' ? ['log in first', 401] : undefined));
    const app = appWith(bp);
    const res = await app.testClient().get('/');
    expect([res.status, res.text]).toEqual([401, 'log in first']);
    expect((await app.testClient().get('/bp/')).text).toBe('bp');
  });

  it('a hook registered after the blueprint was registered reaches the app too', async () => {
    const bp = new Blueprint('bp');
    const app = appWith(bp);
    bp.beforeAppRequest(() => 'late');
    expect((await app.testClient().get('/')).text).toBe('late');
  });

  it('are added to each app the blueprint is registered on, once per app (Flask’s record_once)', async () => {
    const bp = new Blueprint('bp');
    let runs = 0;
    bp.beforeAppRequest(() => void runs++);
    bp.get('/', () => 'bp');
    const app = quietApp();
    app.get('/', () => 'app');
    app.registerBlueprint(bp, { urlPrefix: '/one' });
    // A second app gets its own copy.
    const other = quietApp();
    other.get('/', () => 'other');
    other.registerBlueprint(bp);
    await app.testClient().get('/');
    expect(runs).toBe(1);
    await other.testClient().get('/');
    expect(runs).toBe(2);
  });

  it('appErrorhandler handles errors of every request, by code or class', async () => {
    const bp = new Blueprint('errors');
    bp.appErrorhandler(404, (err: NotFound) => [`nothing at all (${err.status})`, 404]);
    bp.appErrorhandler(Forbidden)(() => ['no', 403]);
    const app = appWith(bp);
    app.get('/secret', () => {
      throw new Forbidden();
    });
    const client = app.testClient();
    expect(await client.get('/missing').then((r) => [r.status, r.text])).toEqual([404, 'nothing at all (404)']);
    expect(await client.get('/secret').then((r) => [r.status, r.text])).toEqual([403, 'no']);
  });

  it('appErrorhandler goes to the app: a blueprint’s own handler for its requests still wins', async () => {
    const bp = new Blueprint('bp');
    bp.appErrorhandler(404, () => ['app-wide', 404]);
    bp.errorHandler(404, () => ['blueprint', 404]);
    bp.get('/gone', () => {
      throw new NotFound();
    });
    const app = quietApp();
    app.registerBlueprint(bp, { urlPrefix: '/bp' });
    expect((await app.testClient().get('/bp/gone')).text).toBe('blueprint');
    expect((await app.testClient().get('/missing')).text).toBe('app-wide');
  });

  it('reject what is not a function, a status or an error class at once', () => {
    const bp = new Blueprint('bp');
    expect(() => bp.beforeAppRequest('x' as never)).toThrow('beforeAppRequest() registers a function');
    expect(() => bp.appErrorhandler(200, () => '')).toThrow('appErrorhandler(200): use an HTTP error status (400-599) or an error class');
    expect(() => bp.appErrorhandler('404' as never)).toThrow('appErrorhandler() takes a status code or an error class');
  });
});

describe('app.teardownAppcontext', () => {
  it('runs at the end of every request, after the teardownRequest hooks, in reverse order, inside the context', async () => {
    const app = quietApp();
    const calls: string[] = [];
    app.teardownRequest(() => void calls.push('teardown request'));
    app.teardownAppcontext((err) => void calls.push(`appcontext 1 ${err} ${String(g.db)}`));
    app.teardownAppcontext(async (err, ctx) => {
      await new Promise((r) => setTimeout(r, 1));
      calls.push(`appcontext 2 ${err} ${ctx.app === app}`);
    });
    app.get('/', () => {
      g.db = 'open';
      return 'ok';
    });
    expect((await app.testClient().get('/')).text).toBe('ok');
    expect(calls).toEqual(['teardown request', 'appcontext 2 null true', 'appcontext 1 null open']);
  });

  it('runs for requests that failed routing, and gets the unhandled error', async () => {
    const app = quietApp();
    const errors: unknown[] = [];
    app.teardownAppcontext((err) => void errors.push(err));
    const boom = new Error('boom');
    app.get('/boom', () => {
      throw boom;
    });
    const client = app.testClient();
    expect((await client.get('/missing')).status).toBe(404);
    expect((await client.get('/boom')).status).toBe(500);
    // A 404 is handled (null); the view's error is not.
    expect(errors).toEqual([null, boom]);
  });

  it('runs when the test client propagates the error (TESTING)', async () => {
    const app = quietApp({ config: { TESTING: true } });
    const errors: unknown[] = [];
    app.teardownAppcontext((err) => void errors.push(err));
    const boom = new Error('boom');
    app.get('/boom', () => {
      throw boom;
    });
    await expect(app.testClient().get('/boom')).rejects.toBe(boom);
    expect(errors).toEqual([boom]);
  });

  it('a failing hook is logged and the others still run', async () => {
    const app = quietApp();
    let ran = false;
    app.teardownAppcontext(() => void (ran = true));
    app.teardownAppcontext(() => {
      throw new Error('close failed');
    });
    app.get('/', () => 'ok');
    expect((await app.testClient().get('/')).text).toBe('ok');
    expect(ran).toBe(true);
    expect(app.logged.map((l) => [l[0], (l[1] as Error).message])).toEqual([['A teardown hook failed', 'close failed']]);
  });

  it('runs at the end of app.appContext(fn), synchronous or not, with the error fn threw', async () => {
    const app = new App();
    const calls: string[] = [];
    const hook: AppTeardownHook = (err) => void calls.push(`teardown ${err instanceof Error ? err.message : err} in context ${hasAppContext()} ${String(g.db)}`);
    app.teardownAppcontext(hook);

    expect(app.appContext(() => ((g.db = 'sync'), 1))).toBe(1);
    expect(calls).toEqual(['teardown null in context true sync']);

    calls.length = 0;
    const pending = app.appContext(async () => {
      g.db = 'async';
      await new Promise((r) => setTimeout(r, 1));
      calls.push('fn done');
      return 2;
    });
    expect(calls).toEqual([]);
    expect(await pending).toBe(2);
    expect(calls).toEqual(['fn done', 'teardown null in context true async']);

    calls.length = 0;
    expect(() =>
      app.appContext(() => {
        throw new Error('sync failure');
      }),
    ).toThrow('sync failure');
    await expect(
      app.appContext(async () => {
        throw new Error('async failure');
      }),
    ).rejects.toThrow('async failure');
    expect(calls).toEqual(['teardown sync failure in context true undefined', 'teardown async failure in context true undefined']);
  });

  it('app.appContext waits for an async hook when fn is async', async () => {
    const app = new App();
    let closed = false;
    app.teardownAppcontext(async () => {
      await new Promise((r) => setTimeout(r, 5));
      closed = true;
    });
    await app.appContext(async () => 'x');
    expect(closed).toBe(true);
  });

  it('registers functions only', () => {
    expect(() => new App().teardownAppcontext(null as never)).toThrow('teardownAppcontext() registers a function');
  });
});
