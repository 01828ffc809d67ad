import { describe, expect, it } from 'vitest';
import { App } from '@micro/core';
import { quietApp } from './helpers.js';

describe('routing over HTTP', () => {
  const app = quietApp();
  app.get('/', function index() {
    return 'index';
  });
  app.get('/user/<username>', function profile({ username }) {
    return `user ${username}`;
  });
  app.get('/post/<int:postId>', function post({ postId }) {
    return `post ${postId + 1}`;
  });
  app.get('/files/<path:sub>', function files({ sub }) {
    return `path ${sub}`;
  });
  app.get('/docs/', function docs() {
    return 'docs';
  });
  app.route('/form', { methods: ['GET', 'POST'] })(function form() {
    return 'form';
  });
  app.post('/only-post', function onlyPost() {
    return 'posted';
  });
  app.route('/custom-options', { methods: ['GET', 'OPTIONS'] })(function customOptions() {
    return 'mine';
  });
  app.get('/page/', { defaults: { n: 1 } }, function page({ n }) {
    return `page ${String(n)}`;
  });
  const client = app.testClient();

  it('matches static and dynamic rules with converters', async () => {
    expect((await client.get('/')).text).toBe('index');
    expect((await client.get('/user/ada')).text).toBe('user ada');
    expect((await client.get('/post/41')).text).toBe('post 42');
    expect((await client.get('/files/a/b/c.txt')).text).toBe('path a/b/c.txt');
    expect((await client.get('/page/')).text).toBe('page 1');
  });

  it('decodes percent-encoded paths', async () => {
    expect((await client.get('/user/zo%C3%AB')).text).toBe('user zoë');
  });

  it('404 for unknown paths and for failed converters', async () => {
    expect((await client.get('/nope')).status).toBe(404);
    const res = await client.get('/post/abc');
    expect(res.status).toBe(404);
    expect(res.text).toContain('<title>404 Not Found</title>');
  });

  it('405 with an Allow header', async () => {
    const res = await client.post('/user/ada');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const res2 = await client.get('/only-post');
    expect(res2.status).toBe(405);
    expect(res2.headers.get('allow')).toBe('OPTIONS, POST');
  });

  it('HEAD is served by GET routes; OPTIONS is automatic', async () => {
    const head = await client.head('/user/ada');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const options = await client.options('/form');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    expect((await client.options('/custom-options')).text).toBe('mine');
  });

  it('redirects /docs to /docs/ with 308, keeping the query string', async () => {
    const res = await client.get('/docs', { query: { a: '1' } });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('http://localhost/docs/?a=1');
    expect((await client.get('/docs', { followRedirects: true })).text).toBe('docs');
  });

  it('a trailing slash on a rule without one is a 404 (strict, as Flask)', async () => {
    expect((await client.get('/form/')).status).toBe(404);
  });
});

describe('route registration', () => {
  it('endpoint names default to the function name and clash loudly', () => {
    const app = new App();
    app.get('/a', function same() {
      return 'a';
    });
    expect(() =>
      app.get('/b', function same() {
        return 'b';
      }),
    ).toThrow(/overwriting an existing endpoint function: same/);
    app.get('/c', { endpoint: 'other' }, function same() {
      return 'c';
    });
    expect(app.urlFor('other', {}, { external: false })).toBe('/c');
  });

  it('works as a TypeScript 5 decorator on static and instance methods', async () => {
    const app = new App();
    class Views {
      greeting = 'hi';
      @app.route('/static')
      static staticView() {
        return 'static';
      }
      @app.get('/instance/<name>')
      instanceView({ name }: { name: string }) {
        return `${this.greeting} ${name}`;
      }
    }
    new Views();
    const client = app.testClient();
    expect((await client.get('/static')).text).toBe('static');
    expect((await client.get('/instance/bo')).text).toBe('hi bo');
    expect(app.viewFunctions.has('staticView')).toBe(true);
    expect(app.viewFunctions.has('instanceView')).toBe(true);
  });

  it('shorthands refuse a methods option', () => {
    const app = new App();
    expect(() => app.get('/x', { methods: ['POST'] } as never)).toThrow(/app.route/);
  });
});
