import { describe, expect, it } from 'vitest';
import { App, BadRequest, HTTPException, NotFound, Response, abort, g } from '@micro/core';
import { quietApp } from './helpers.js';

describe('hooks', () => {
  it('run in Flask order: before in order, after in reverse, teardown always', async () => {
    const app = new App();
    const calls: string[] = [];
    app.beforeRequest(() => void calls.push('before1'));
    app.beforeRequest(async () => void calls.push('before2'));
    app.afterRequest((r) => {
      calls.push('after1');
      return r;
    });
    app.afterRequest(async (r) => {
      calls.push('after2');
      r.headers.set('X-After', 'yes');
    });
    app.teardownRequest((err) => void calls.push(`teardown:${err === null ? 'ok' : 'err'}`));
    app.get('/', function index() {
      calls.push('view');
      return 'ok';
    });
    const res = await app.testClient().get('/');
    expect(res.headers.get('x-after')).toBe('yes');
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual(['before1', 'before2', 'view', 'after2', 'after1', 'teardown:ok']);
  });

  it('a before-request hook may answer instead of the view', async () => {
    const app = new App();
    let viewed = false;
    app.beforeRequest(() => (g.blocked = true, ['blocked', 403] as const));
    app.get('/', function index() {
      viewed = true;
      return 'view';
    });
    const res = await app.testClient().get('/');
    expect([res.status, res.text, viewed]).toEqual([403, 'blocked', false]);
  });

  it('before-request hooks run on 404s too, as Flask', async () => {
    const app = new App();
    let ran = 0;
    app.beforeRequest(() => void ran++);
    expect((await app.testClient().get('/missing')).status).toBe(404);
    expect(ran).toBe(1);
  });

  it('teardown gets the unhandled error', async () => {
    const app = quietApp();
    let seen: unknown = 'unset';
    app.teardownRequest((err) => void (seen = err));
    app.get('/boom', function boom() {
      throw new Error('kaput');
    });
    expect((await app.testClient().get('/boom')).status).toBe(500);
    await new Promise((r) => setTimeout(r, 10));
    expect((seen as Error).message).toBe('kaput');
  });
});

describe('errors', () => {
  class PaymentRequired extends Error {}

  it('abort() raises HTTP errors with Werkzeug pages', async () => {
    const app = new App();
    app.get('/teapot', function teapot() {
      abort(418, 'short and stout');
    });
    app.get('/bad', function bad() {
      abort(400);
    });
    const client = app.testClient();
    const t = await client.get('/teapot');
    expect(t.status).toBe(418);
    expect(t.text).toContain('short and stout');
    const b = await client.get('/bad');
    expect(b.status).toBe(400);
    expect(b.text).toContain('<h1>Bad Request</h1>');
    expect(() => abort(200)).toThrow(TypeError);
  });

  it('error handlers by code and by class (subclasses included)', async () => {
    const app = new App();
    app.errorHandler(404, (e: HTTPException) => [`custom 404: ${e.status}`, 404]);
    app.errorHandler(PaymentRequired, () => ['pay up', 402]);
    app.errorHandler(HTTPException, (e) => [`http ${e.status}`, e.status]);
    app.get('/pay', function pay() {
      throw new PaymentRequired();
    });
    app.get('/bad', function bad() {
      throw new BadRequest('nope');
    });
    const client = app.testClient();
    const nf = await client.get('/nowhere');
    expect([nf.status, nf.text]).toEqual([404, 'custom 404: 404']);
    const p = await client.get('/pay');
    expect([p.status, p.text]).toEqual([402, 'pay up']);
    const b = await client.get('/bad');
    expect([b.status, b.text]).toEqual([400, 'http 400']);
  });

  it('unhandled errors are a 500 that reveals nothing; the error and stack are logged', async () => {
    const app = quietApp();
    app.get('/boom', function boom() {
      throw new Error('secret database password is hunter2');
    });
    const res = await app.testClient().get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Internal Server Error');
    expect(res.text).not.toContain('hunter2');
    expect(String(app.logged[0]?.[0])).toBe('Exception on /boom [GET]');
    expect((app.logged[0]?.[1] as Error).stack).toContain('hunter2');
  });

  it('debug mode shows the stack on the 500 page', async () => {
    const app = quietApp();
    app.debug = true;
    app.config.PROPAGATE_EXCEPTIONS = false;
    app.get('/boom', function boom() {
      throw new Error('visible <detail>');
    });
    const res = await app.testClient().get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('visible &lt;detail&gt;');
  });

  it('a 500 handler gets an InternalServerError with the original as cause', async () => {
    const app = quietApp();
    app.errorHandler(500, (e: HTTPException) => [`handled: ${(e.cause as Error).message}`, 500]);
    app.get('/boom', function boom() {
      throw new Error('inner');
    });
    const res = await app.testClient().get('/boom');
    expect(res.text).toBe('handled: inner');
  });

  it('a failing error handler still produces a bare 500', async () => {
    const app = quietApp();
    app.errorHandler(NotFound, () => {
      throw new Error('handler broke');
    });
    const res = await app.testClient().get('/missing');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('handler broke');
  });

  it('an after-request hook error becomes a 500; HTTP errors there keep their status', async () => {
    const app = quietApp();
    app.afterRequest((r: Response) => {
      if (r.status === 200) abort(503, 'down for a moment');
      return r;
    });
    app.get('/', function index() {
      return 'ok';
    });
    const res = await app.testClient().get('/');
    expect(res.status).toBe(503);
  });
});

describe('TESTING / PROPAGATE_EXCEPTIONS and TRUSTED_HOSTS', () => {
  it('in TESTING the test client rejects with the original error, as Flask raises it', async () => {
    const app = quietApp({ config: { TESTING: true } });
    const tornDown: unknown[] = [];
    app.teardownRequest((error) => void tornDown.push(error));
    app.get('/boom', function boom() {
      throw new RangeError('the real error');
    });
    await expect(app.testClient().get('/boom')).rejects.toThrow(RangeError);
    // Teardown saw the error before the call rejected.
    expect(tornDown).toHaveLength(1);
    expect(tornDown[0]).toBeInstanceOf(RangeError);
    app.config.PROPAGATE_EXCEPTIONS = false;
    expect((await app.testClient().get('/boom')).status).toBe(500);
  });

  it('a real server never propagates: in DEBUG it answers 500, whatever headers a client sends', async () => {
    const app = quietApp({ config: { DEBUG: true } });
    app.get('/boom', function boom() {
      throw new RangeError('the real error');
    });
    const client = app.testClient({ http: true });
    const r = await client.get('/boom', { headers: { 'x-micro-test-request': '1' } });
    expect(r.status).toBe(500);
    expect(r.text).toContain('RangeError: the real error'); // DEBUG shows the stack
    await client.close();
  });

  it('TRUSTED_HOSTS refuses other Host headers with 400', async () => {
    const app = new App({ config: { TRUSTED_HOSTS: ['.example.com', 'localhost'] } });
    app.get('/', function index() {
      return 'ok';
    });
    const client = app.testClient();
    expect((await client.get('/')).status).toBe(200);
    expect((await app.testClient({ baseUrl: 'http://api.example.com' }).get('/')).status).toBe(200);
    expect((await app.testClient({ baseUrl: 'http://evil.test' }).get('/')).status).toBe(400);
  });
});
