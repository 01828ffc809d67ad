import { describe, expect, it } from 'vitest';
import { App, Blueprint, MethodView, Response, View, g, makeResponse, request, urlFor, type RequestContext, type ViewDecorator } from '@micro/core';
import { quietApp } from './helpers.js';

/** The Allow header as a sorted list. */
function allow(res: { headers: Headers }): string[] {
  return (res.headers.get('allow') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .sort();
}

/** Flask's common_test: GET and POST answered, PUT 405, OPTIONS lists them. */
async function commonTest(app: App): Promise<void> {
  const c = app.testClient();
  expect((await c.get('/')).text).toBe('GET');
  expect((await c.post('/')).text).toBe('POST');
  expect((await c.put('/')).status).toBe(405);
  expect(allow(await c.options('/'))).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
}

// Ported from Flask 3.1's tests/test_views.py (test_multiple_inheritance aside: JavaScript classes have one parent).
describe('class-based views, as Flask’s tests/test_views.py', () => {
  it('test_basic_view', async () => {
    const app = new App();
    class Index extends View {
      static override methods = ['GET', 'POST'];
      override dispatchRequest() {
        return request.method;
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    await commonTest(app);
  });

  it('test_method_based_view', async () => {
    const app = new App();
    class Index extends MethodView {
      get() {
        return 'GET';
      }
      post() {
        return 'POST';
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    await commonTest(app);
  });

  it('test_view_patching: viewClass may be replaced', async () => {
    const app = quietApp();
    class Index extends MethodView {
      get(): string {
        throw new RangeError();
      }
      post(): string {
        throw new RangeError();
      }
    }
    class Other extends Index {
      override get() {
        return 'GET';
      }
      override post() {
        return 'POST';
      }
    }
    const view = Index.asView('index');
    view.viewClass = Other;
    app.addUrlRule('/', view);
    await commonTest(app);
  });

  it('test_view_inheritance', async () => {
    const app = new App();
    class Index extends MethodView {
      get() {
        return 'GET';
      }
      post() {
        return 'POST';
      }
    }
    class BetterIndex extends Index {
      delete() {
        return 'DELETE';
      }
    }
    app.addUrlRule('/', BetterIndex.asView('index'));
    expect(allow(await app.testClient().options('/'))).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST']);
  });

  it('test_view_decorators', async () => {
    const app = new App();
    const addXParachute: ViewDecorator = (f) =>
      async function newFunction(params, ctx) {
        const resp = makeResponse(await f(params, ctx));
        resp.headers.set('X-Parachute', 'awesome');
        return resp;
      };
    class Index extends View {
      static override decorators = [addXParachute];
      override dispatchRequest() {
        return 'Awesome';
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    const rv = await app.testClient().get('/');
    expect(rv.headers.get('x-parachute')).toBe('awesome');
    expect(rv.text).toBe('Awesome');
  });

  it('test_view_provide_automatic_options_attr', async () => {
    let app = new App();
    class Index1 extends View {
      static override provideAutomaticOptions = false;
      override dispatchRequest() {
        return 'Hello World!';
      }
    }
    app.addUrlRule('/', Index1.asView('index'));
    expect((await app.testClient().options('/')).status).toBe(405);

    app = new App();
    class Index2 extends View {
      static override methods = ['OPTIONS'];
      static override provideAutomaticOptions = true;
      override dispatchRequest() {
        return 'Hello World!';
      }
    }
    app.addUrlRule('/', Index2.asView('index'));
    expect(allow(await app.testClient().options('/'))).toEqual(['OPTIONS']);

    app = new App();
    class Index3 extends View {
      override dispatchRequest() {
        return 'Hello World!';
      }
    }
    app.addUrlRule('/', Index3.asView('index'));
    expect(allow(await app.testClient().options('/'))).toContain('OPTIONS');
  });

  it('test_implicit_head: HEAD is answered by get()', async () => {
    const app = new App();
    class Index extends MethodView {
      get() {
        return new Response('Blub', { headers: { 'X-Method': request.method } });
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    const c = app.testClient();
    let rv = await c.get('/');
    expect(rv.text).toBe('Blub');
    expect(rv.headers.get('x-method')).toBe('GET');
    rv = await c.head('/');
    expect(rv.text).toBe('');
    expect(rv.headers.get('x-method')).toBe('HEAD');
  });

  it('test_explicit_head', async () => {
    const app = new App();
    class Index extends MethodView {
      get() {
        return 'GET';
      }
      head() {
        return new Response('', { headers: { 'X-Method': 'HEAD' } });
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    const c = app.testClient();
    expect((await c.get('/')).text).toBe('GET');
    const rv = await c.head('/');
    expect(rv.text).toBe('');
    expect(rv.headers.get('x-method')).toBe('HEAD');
  });

  it('test_endpoint_override: a second view for one endpoint is refused', async () => {
    const app = new App();
    class Index extends View {
      static override methods = ['GET', 'POST'];
      override dispatchRequest() {
        return request.method;
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    expect(() => app.addUrlRule('/', Index.asView('index'))).toThrow('View function mapping is overwriting an existing endpoint function: index');
    await commonTest(app);
  });

  it('test_methods_var_inheritance: methods set on a parent, plus the child’s handlers', async () => {
    const app = new App();
    class BaseView extends MethodView {
      static override methods = ['GET', 'PROPFIND'];
    }
    class ChildView extends BaseView {
      get() {
        return 'GET';
      }
      propfind() {
        return 'PROPFIND';
      }
    }
    const view = ChildView.asView('index');
    app.addUrlRule('/', view);
    const c = app.testClient();
    expect((await c.get('/')).text).toBe('GET');
    expect((await c.request('PROPFIND', '/')).text).toBe('PROPFIND');
    expect([...view.methods!].sort()).toEqual(['GET', 'PROPFIND']);
  });

  it('test_remove_method_from_parent: a class’s own methods win', async () => {
    const app = new App();
    class View1 extends MethodView {
      get() {
        return 'GET';
      }
      post() {
        return 'POST';
      }
    }
    class View2 extends View1 {
      static override methods = ['GET'];
    }
    const view = View2.asView('index');
    app.addUrlRule('/', view);
    const c = app.testClient();
    expect((await c.get('/')).text).toBe('GET');
    expect((await c.post('/')).status).toBe(405);
    expect(view.methods).toEqual(['GET']);
  });

  it('test_init_once: initEveryRequest = false makes one instance', async () => {
    const app = new App();
    let n = 0;
    class CountInit extends View {
      static override initEveryRequest = false;
      constructor() {
        super();
        n += 1;
      }
      override dispatchRequest() {
        return String(n);
      }
    }
    app.addUrlRule('/', CountInit.asView('index'));
    const c = app.testClient();
    expect((await c.get('/')).text).toBe('1');
    expect((await c.get('/')).text).toBe('1');
  });
});

describe('class-based views in micro', () => {
  it('get (params, ctx); asView’s arguments go to the constructor, for each request by default', async () => {
    const app = new App();
    const made: string[] = [];
    class Greeting extends View {
      constructor(readonly greeting: string) {
        super();
        made.push(greeting);
      }
      override dispatchRequest(params: { name: string }, ctx: RequestContext) {
        return `${this.greeting}, ${params.name}! (${ctx.endpoint})`;
      }
    }
    app.addUrlRule('/hello/<name>', Greeting.asView('hello', 'Hello'));
    const c = app.testClient();
    expect((await c.get('/hello/ada')).text).toBe('Hello, ada! (hello)');
    expect((await c.get('/hello/bob')).text).toBe('Hello, bob! (hello)');
    expect(made).toEqual(['Hello', 'Hello']);
    expect(app.urlFor('hello', { name: 'x' }, { external: false })).toBe('/hello/x');
  });

  it('a MethodView as a REST resource on a blueprint, with async handlers and this', async () => {
    const app = new App();
    const api = new Blueprint('api', { urlPrefix: '/api' });
    const items = new Map<number, string>([[1, 'one']]);
    class ItemAPI extends MethodView {
      static override initEveryRequest = false;
      constructor(private readonly store: Map<number, string>) {
        super();
      }
      async get({ id }: { id: number }) {
        await Promise.resolve();
        return this.store.has(id) ? { id, name: this.store.get(id) } : ['no such item', 404];
      }
      async put({ id }: { id: number }, ctx: RequestContext) {
        this.store.set(id, (await ctx.request.json()) as string);
        return ['', 204];
      }
      delete({ id }: { id: number }) {
        this.store.delete(id);
        return ['', 204];
      }
    }
    api.addUrlRule('/items/<int:id>', ItemAPI.asView('item', items));
    api.get('/', function index() {
      return urlFor('.item', { id: 7 });
    });
    app.registerBlueprint(api);
    const c = app.testClient();
    expect((await c.get('/api/items/1')).json()).toEqual({ id: 1, name: 'one' });
    expect((await c.put('/api/items/2', { json: 'two' })).status).toBe(204);
    expect((await c.get('/api/items/2')).json()).toEqual({ id: 2, name: 'two' });
    expect((await c.delete('/api/items/1')).status).toBe(204);
    expect((await c.get('/api/items/1')).status).toBe(404);
    expect((await c.post('/api/items/1')).status).toBe(405);
    expect((await c.get('/api/')).text).toBe('/api/items/7');
  });

  it('decorators apply in order, the first innermost, as Flask’s', async () => {
    const app = new App();
    const order: string[] = [];
    const tag =
      (label: string): ViewDecorator =>
      (f) =>
      (params, ctx) => {
        order.push(label);
        return f(params, ctx);
      };
    class Index extends View {
      static override decorators = [tag('inner'), tag('outer')];
      override dispatchRequest() {
        g.seen = true;
        return 'ok';
      }
    }
    const view = Index.asView('index');
    expect(view.name).toBe('index');
    expect(view.viewClass).toBe(Index);
    app.addUrlRule('/', view);
    expect((await app.testClient().get('/')).text).toBe('ok');
    expect(order).toEqual(['outer', 'inner']);
  });

  it('the methods option of addUrlRule wins over the view’s', async () => {
    const app = new App();
    class Index extends MethodView {
      get() {
        return 'GET';
      }
      post() {
        return 'POST';
      }
    }
    app.addUrlRule('/', Index.asView('index'), { methods: ['POST'] });
    const c = app.testClient();
    expect((await c.post('/')).text).toBe('POST');
    expect((await c.get('/')).status).toBe(405);
  });

  it('a MethodView asked for a method it lists but does not define fails as Flask’s (500)', async () => {
    const app = quietApp();
    class Index extends MethodView {
      static override methods = ['GET', 'POST'];
      get() {
        return 'GET';
      }
    }
    app.addUrlRule('/', Index.asView('index'));
    expect((await app.testClient().post('/')).status).toBe(500);
    expect(String((app.logged[0]![1] as Error).message)).toBe("Unimplemented method 'POST'");
  });
});
