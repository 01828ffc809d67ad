import { describe, expect, it } from 'vitest';
import { App, OutsideContextError, currentApp, g, request, session, urlFor, afterThisRequest } from '@micro/core';
import { quietApp } from './helpers.js';

describe('request context', () => {
  it('request, g and currentApp work anywhere inside a request, across awaits', async () => {
    const app = new App({ name: 'ctx-app' });
    async function loadUser() {
      await new Promise((r) => setTimeout(r, 2));
      g.user = request.args.get('user');
    }
    app.beforeRequest(loadUser);
    app.get('/who', async function who() {
      await new Promise((r) => setTimeout(r, 2));
      return { user: g.user, app: currentApp.name, method: request.method, path: request.path };
    });
    const client = app.testClient();
    const [a, b] = await Promise.all([client.get('/who?user=ann'), client.get('/who?user=bob')]);
    expect(a.json()).toEqual({ user: 'ann', app: 'ctx-app', method: 'GET', path: '/who' });
    expect(b.json()).toEqual({ user: 'bob', app: 'ctx-app', method: 'GET', path: '/who' });
  });

  it('the same objects are reachable from the handler context argument', async () => {
    const app = new App();
    app.get('/explicit/<int:id>', function explicit(params, ctx) {
      ctx.g.seen = true;
      return { id: params.id, path: ctx.request.path, seen: ctx.g.seen, endpoint: ctx.endpoint };
    });
    const res = await app.testClient().get('/explicit/7');
    expect(res.json()).toEqual({ id: 7, path: '/explicit/7', seen: true, endpoint: 'explicit' });
  });

  it('outside a request they throw an error that says so', () => {
    expect(() => request.method).toThrow(OutsideContextError);
    expect(() => request.method).toThrow(/outside of request context/);
    expect(() => g.x).toThrow(/outside of application context/);
    expect(() => session.get('x')).toThrow(/outside of request context/);
    expect(() => urlFor('x')).toThrow(OutsideContextError);
  });

  it('appContext() gives currentApp and g without a request', () => {
    const app = new App({ name: 'script' });
    app.config.SERVER_NAME = 'example.com';
    app.get('/x', function x() {
      return 'x';
    });
    const out = app.appContext(() => {
      g.flag = 1;
      return [currentApp.name, g.flag, urlFor('x')];
    });
    expect(out).toEqual(['script', 1, 'http://example.com/x']);
  });

  it('touching the session without a session interface explains how to enable it', async () => {
    const app = quietApp();
    app.get('/s', function s() {
      return String(session.get('x'));
    });
    const res = await app.testClient().get('/s');
    expect(res.status).toBe(500);
    expect(String(app.logged[0]?.[1])).toMatch(/Install @micro\/session and call `sessions\(app\)`/);
  });

  it('afterThisRequest changes only the current response', async () => {
    const app = new App();
    app.get('/a', function a() {
      afterThisRequest((r) => {
        r.headers.set('X-Once', '1');
      });
      return 'a';
    });
    const client = app.testClient();
    expect((await client.get('/a')).headers.get('x-once')).toBe('1');
  });
});
