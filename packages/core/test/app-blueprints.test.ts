import { describe, expect, it } from 'vitest';
import { App, Blueprint, request, urlFor } from '@micro/core';

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
