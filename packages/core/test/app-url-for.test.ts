import { describe, expect, it } from 'vitest';
import { App, urlFor } from '@micro/core';

function makeApp() {
  const app = new App();
  app.get('/', function index() {
    return 'i';
  });
  app.get('/user/<int:id>', function user() {
    return 'u';
  });
  app.get('/files/<path:name>', function files() {
    return 'f';
  });
  app.get('/links', function links() {
    return {
      plain: urlFor('user', { id: 5 }),
      query: urlFor('user', { id: 5, tab: 'posts', tag: ['a', 'b'] }),
      external: urlFor('index', {}, { external: true }),
      anchor: urlFor('index', {}, { anchor: 'top part' }),
      path: urlFor('files', { name: 'a b/c.txt' }),
    };
  });
  return app;
}

describe('urlFor', () => {
  it('builds paths, query strings, external URLs and anchors in a request', async () => {
    const res = await makeApp().testClient().get('/links');
    expect(res.json()).toEqual({
      plain: '/user/5',
      query: '/user/5?tab=posts&tag=a&tag=b',
      external: 'http://localhost/',
      anchor: '/#top%20part',
      path: '/files/a%20b/c.txt',
    });
  });

  it('honours SERVER_NAME, PREFERRED_URL_SCHEME and APPLICATION_ROOT outside a request', () => {
    const app = makeApp();
    app.config.SERVER_NAME = 'example.org';
    app.config.PREFERRED_URL_SCHEME = 'https';
    app.config.APPLICATION_ROOT = '/shop';
    expect(app.appContext(() => urlFor('user', { id: 1 }))).toBe('https://example.org/shop/user/1');
    expect(app.appContext(() => urlFor('user', { id: 1 }, { external: false }))).toBe('/shop/user/1');
  });

  it('serves under APPLICATION_ROOT and builds URLs with it', async () => {
    const app = makeApp();
    app.config.APPLICATION_ROOT = '/shop';
    const res = await app.testClient().get('/shop/links');
    expect(res.json()).toMatchObject({ plain: '/shop/user/5', external: 'http://localhost/shop/' });
  });

  it('fails clearly for unknown endpoints, missing values and no SERVER_NAME', () => {
    const app = makeApp();
    expect(() => app.urlFor('nope', {}, { external: false })).toThrow(/nope/);
    expect(() => app.urlFor('user', {}, { external: false })).toThrow(/id/);
    expect(() => app.appContext(() => urlFor('index'))).toThrow(/SERVER_NAME/);
  });
});
