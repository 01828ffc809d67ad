import { describe, expect, it } from 'vitest';
import { App, Blueprint, g, urlFor } from '@micro/core';
import { quietApp } from './helpers.js';

describe('url value preprocessors', () => {
  it('run before the before-request hooks with (endpoint, values), and may take values from the view', async () => {
    const app = new App();
    const calls: string[] = [];
    app.urlValuePreprocessor((endpoint, values) => {
      calls.push(`preprocess ${endpoint} ${JSON.stringify(values)}`);
      g.lang = values?.lang;
      delete values?.lang;
    });
    app.beforeRequest(() => void calls.push(`before ${String(g.lang)}`));
    app.get('/<lang>/page/<int:id>', function page(params, ctx) {
      return `${JSON.stringify(params)} ${JSON.stringify(ctx.request.viewArgs)} ${String(g.lang)}`;
    });
    const res = await app.testClient().get('/fr/page/3');
    expect(res.text).toBe('{"id":3} {"id":3} fr');
    expect(calls).toEqual(['preprocess page {"lang":"fr","id":3}', 'before fr']);
  });

  it('get (null, null) when routing failed, as Flask', async () => {
    const app = new App();
    const seen: unknown[] = [];
    app.urlValuePreprocessor((endpoint, values) => void seen.push(endpoint, values));
    expect((await app.testClient().get('/missing')).status).toBe(404);
    expect(seen).toEqual([null, null]);
  });

  it('app first, then blueprints from the outermost in; a blueprint’s for its own requests only', async () => {
    const app = new App();
    const calls: string[] = [];
    const parent = new Blueprint('parent', { urlPrefix: '/p' });
    const child = new Blueprint('child', { urlPrefix: '/c' });
    child.urlValuePreprocessor((endpoint) => void calls.push(`child ${endpoint}`));
    parent.urlValuePreprocessor((endpoint) => void calls.push(`parent ${endpoint}`));
    app.urlValuePreprocessor((endpoint) => void calls.push(`app ${endpoint}`));
    child.get('/x', function x() {
      return 'x';
    });
    parent.registerBlueprint(child);
    app.registerBlueprint(parent);
    app.get('/', function index() {
      return 'i';
    });
    await app.testClient().get('/p/c/x');
    expect(calls).toEqual(['app parent.child.x', 'parent parent.child.x', 'child parent.child.x']);
    calls.length = 0;
    await app.testClient().get('/');
    expect(calls).toEqual(['app index']);
  });

  it('appUrlValuePreprocessor on a blueprint runs for every request', async () => {
    const app = new App();
    const bp = new Blueprint('bp');
    const seen: unknown[] = [];
    bp.appUrlValuePreprocessor((endpoint) => void seen.push(endpoint));
    app.registerBlueprint(bp);
    app.get('/', function index() {
      return 'i';
    });
    await app.testClient().get('/');
    expect(seen).toEqual(['index']);
  });

  it('an error thrown in one goes to the error handlers', async () => {
    const app = quietApp();
    app.urlValuePreprocessor(() => {
      throw new RangeError('bad value');
    });
    app.errorHandler(RangeError, (err: RangeError) => [err.message, 400]);
    app.get('/', () => 'never');
    const res = await app.testClient().get('/');
    expect([res.status, res.text]).toEqual([400, 'bad value']);
  });
});

describe('url defaults', () => {
  /** Flask's docs pattern (patterns/urlprocessors): a language code kept in g, out of every view and urlFor call. */
  function langApp(): App {
    const app = new App({ config: { SERVER_NAME: 'example.com' } });
    const bp = new Blueprint('frontend', { urlPrefix: '/<lang_code>' });
    bp.urlDefaults((endpoint, values) => {
      if ('lang_code' in values || !g.lang_code) return;
      values.lang_code = g.lang_code;
    });
    bp.urlValuePreprocessor((endpoint, values) => {
      g.lang_code = values!.lang_code;
      delete values!.lang_code;
    });
    bp.get('/', function index() {
      return urlFor('.about');
    });
    bp.get('/about', function about(params) {
      return `about ${JSON.stringify(params)} ${String(g.lang_code)}`;
    });
    app.registerBlueprint(bp);
    return app;
  }

  it('fill in values for the blueprint’s endpoints (Flask’s language-code pattern)', async () => {
    const app = langApp();
    const client = app.testClient();
    expect((await client.get('/de/')).text).toBe('/de/about');
    expect((await client.get('/de/about')).text).toBe('about {} de');
  });

  it('work outside a request, reading the blueprints off the endpoint; values passed win; the caller’s object is left alone', () => {
    const app = langApp();
    const values = { lang_code: 'it' };
    app.appContext(() => {
      g.lang_code = 'en';
      expect(app.urlFor('frontend.about', {}, { external: false })).toBe('/en/about');
      expect(app.urlFor('frontend.about', values, { external: false })).toBe('/it/about');
    });
    expect(values).toEqual({ lang_code: 'it' });
  });

  it('app first, then the blueprints from the outermost in, each with (endpoint, values); a blueprint’s for its own endpoints only', () => {
    const app = new App({ config: { SERVER_NAME: 'example.com' } });
    const calls: string[] = [];
    const parent = new Blueprint('parent', { urlPrefix: '/p' });
    const child = new Blueprint('child', { urlPrefix: '/c' });
    child.urlDefaults((endpoint, values) => void calls.push(`child ${endpoint} ${JSON.stringify(values)}`));
    parent.urlDefaults((endpoint, values) => {
      calls.push(`parent ${endpoint}`);
      values.q = 'p';
    });
    app.urlDefaults((endpoint) => void calls.push(`app ${endpoint}`));
    child.get('/x', function x() {
      return 'x';
    });
    parent.registerBlueprint(child);
    app.registerBlueprint(parent);
    app.get('/', function index() {
      return 'i';
    });
    expect(app.urlFor('parent.child.x', { a: 1 }, { external: false })).toBe('/p/c/x?a=1&q=p');
    expect(calls).toEqual(['app parent.child.x', 'parent parent.child.x', 'child parent.child.x {"a":1,"q":"p"}']);
    calls.length = 0;
    expect(app.urlFor('index', {}, { external: false })).toBe('/');
    expect(calls).toEqual(['app index']);
  });

  it('appUrlDefaults on a blueprint apply to every endpoint', () => {
    const app = new App({ config: { SERVER_NAME: 'example.com' } });
    const bp = new Blueprint('bp');
    bp.appUrlDefaults((endpoint, values) => void (values.v ??= '2'));
    app.registerBlueprint(bp);
    app.get('/', function index() {
      return 'i';
    });
    expect(app.urlFor('index', {}, { external: false })).toBe('/?v=2');
  });

  it('register functions only', () => {
    expect(() => new App().urlDefaults(1 as never)).toThrow('urlDefaults() registers a function');
    expect(() => new App().urlValuePreprocessor(1 as never)).toThrow('urlValuePreprocessor() registers a function');
    expect(() => new Blueprint('b').appUrlDefaults(1 as never)).toThrow('appUrlDefaults() registers a function');
  });
});
