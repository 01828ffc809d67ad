import { describe, expect, it } from 'vitest';
import { App, Blueprint, HTTPException, abort, request, urlFor } from '@micro/core';

describe('blueprints', () => {
  const auth = new Blueprint('auth', { urlPrefix: '/auth' });
  const seen: string[] = [];
  auth.beforeRequest(() => void seen.push(`auth-before:${request.endpoint}`));
  auth.errorHandler(404, () => ['auth not found', 404]);
  auth.route('/login', { methods: ['GET', 'POST'] })(function login() {
    return { endpoint: request.endpoint, blueprint: request.blueprint, self: urlFor('.login'), other: urlFor('index') };
  });
  auth.get('/missing', function missing() {
    return ['x', 404];
  });

  const app = new App();
  app.get('/', function index() {
    return 'index';
  });
  app.registerBlueprint(auth);
  auth.get('/late', function late() {
    return 'added after registration';
  });
  const client = app.testClient();

  it('prefixes rules and names endpoints blueprint.endpoint', async () => {
    const res = await client.get('/auth/login');
    expect(res.json()).toEqual({ endpoint: 'auth.login', blueprint: 'auth', self: '/auth/login', other: '/' });
    expect((await client.get('/auth/late')).text).toBe('added after registration');
  });

  it('scopes hooks and error handlers to the blueprint', async () => {
    seen.length = 0;
    await client.get('/');
    await client.get('/auth/login');
    expect(seen).toEqual(['auth-before:auth.login']);
    expect((await client.get('/nowhere')).text).not.toBe('auth not found');
  });

  it('refuses two blueprints with one name', () => {
    expect(() => app.registerBlueprint(new Blueprint('auth'))).toThrow(/already registered/);
    expect(() => new Blueprint('a.b')).toThrow(/dot/);
  });

  it('can be registered under another prefix', async () => {
    const bp = new Blueprint('api');
    bp.get('/ping', function ping() {
      return 'pong';
    });
    const other = new App();
    other.registerBlueprint(bp, { urlPrefix: '/v2' });
    expect((await other.testClient().get('/v2/ping')).text).toBe('pong');
  });
});

describe('nested blueprints (as Flask 2+)', () => {
  // Mirrors a Flask 3.1 app: the expected values below are what Flask answered.
  const seen: string[] = [];
  const app = new App();
  const parent = new Blueprint('parent', { urlPrefix: '/parent' });
  const child = new Blueprint('child', { urlPrefix: '/child' });
  for (const [name, scope] of [['app', app], ['parent', parent], ['child', child]] as const) {
    scope.beforeRequest(() => void seen.push(`${name}-before`));
    scope.afterRequest((r) => (seen.push(`${name}-after`), r));
    scope.teardownRequest(() => void seen.push(`${name}-teardown`));
  }
  child.get('/view', function view() {
    return { endpoint: request.endpoint, blueprint: request.blueprint, blueprints: request.blueprints, self: urlFor('.view'), up: urlFor('parent.pview') };
  });
  child.get('/gone', function gone() {
    return abort(404);
  });
  child.get('/g410', function g410() {
    return abort(410);
  });
  child.get('/teapot', function teapot() {
    return abort(418);
  });
  parent.get('/p', function pview() {
    return 'p';
  });
  child.errorHandler(HTTPException, (e) => ['child-class', e.status]);
  app.errorHandler(404, () => ['app-404', 404]);
  parent.errorHandler(410, () => ['parent-410', 410]);
  parent.registerBlueprint(child);
  app.registerBlueprint(parent);
  const client = app.testClient();

  it('names endpoints parent.child.view under the joined prefix; request.blueprints lists the chain', async () => {
    const r = await client.get('/parent/child/view');
    expect(r.json()).toEqual({
      endpoint: 'parent.child.view',
      blueprint: 'parent.child',
      blueprints: ['parent.child', 'parent'],
      self: '/parent/child/view',
      up: '/parent/p',
    });
    expect((await client.get('/parent/p')).text).toBe('p');
  });

  it("runs the parents' hooks too, in Flask's order", async () => {
    seen.length = 0;
    await client.get('/parent/child/view');
    await new Promise((r) => setTimeout(r, 10)); // teardown runs after the response is sent
    expect(seen).toEqual([
      'app-before', 'parent-before', 'child-before',
      'child-after', 'parent-after', 'app-after',
      'child-teardown', 'parent-teardown', 'app-teardown',
    ]);
  });

  it('looks for a status-code handler in the blueprint, its parents and the app before any class handler', async () => {
    expect((await client.get('/parent/child/gone')).text).toBe('app-404');
    expect((await client.get('/parent/child/g410')).text).toBe('parent-410');
    const r = await client.get('/parent/child/teapot');
    expect([r.status, r.text]).toEqual([418, 'child-class']);
    // A routing error belongs to no blueprint: the app's default page.
    const notAllowed = await client.delete('/parent/child/view');
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.text).toContain('Method Not Allowed');
  });

  it('refuses nesting after registration, in itself, in a cycle, or twice under one name', () => {
    expect(() => parent.registerBlueprint(new Blueprint('late'))).toThrow(/already registered on an app/);
    const solo = new Blueprint('solo');
    expect(() => solo.registerBlueprint(solo)).toThrow(/on itself/);
    const a = new Blueprint('a');
    const b = new Blueprint('b');
    a.registerBlueprint(b);
    b.registerBlueprint(a);
    expect(() => new App().registerBlueprint(a)).toThrow(/nested in itself \(a\.b\.a\)/);
    const twice = new Blueprint('twice');
    twice.registerBlueprint(new Blueprint('x'));
    expect(() => twice.registerBlueprint(new Blueprint('x'))).toThrow(/already has a nested blueprint named 'x'/);
  });

  it('lets one blueprint sit under two parents, and takes late routes in both places', async () => {
    const shared = new Blueprint('shared');
    shared.get('/hi', function hi() {
      return `hi from ${request.blueprint}`;
    });
    const v1 = new Blueprint('v1', { urlPrefix: '/v1' });
    const v2 = new Blueprint('v2', { urlPrefix: '/v2' });
    v1.registerBlueprint(shared, { urlPrefix: '/s' });
    v2.registerBlueprint(shared);
    const twoApp = new App();
    twoApp.registerBlueprint(v1);
    twoApp.registerBlueprint(v2);
    shared.get('/late', function late() {
      return urlFor('.hi');
    });
    const c = twoApp.testClient();
    expect((await c.get('/v1/s/hi')).text).toBe('hi from v1.shared');
    expect((await c.get('/v2/hi')).text).toBe('hi from v2.shared');
    expect((await c.get('/v1/s/late')).text).toBe('/v1/s/hi');
    expect((await c.get('/v2/late')).text).toBe('/v2/hi');
  });
});
