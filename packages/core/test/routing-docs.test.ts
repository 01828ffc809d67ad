import { describe, expect, it } from 'vitest';
import { App, request, urlFor } from '../src/index.js';
import { BaseConverter } from '../src/routing/converter.js';
import type { ConverterArgs } from '../src/routing/converter.js';
import { ValidationError } from '../src/routing/validation-error.js';

class ListConverter extends BaseConverter {
  readonly separator: string;
  constructor(args: ConverterArgs) {
    super(args);
    this.separator = String(args.named.sep ?? args.positional[0] ?? ',');
  }
  override toValue(text: string): string[] {
    const items = text.split(this.separator);
    if (items.some((item) => item === '')) throw new ValidationError('empty item');
    return items;
  }
  override toUrl(value: unknown): string {
    return (value as string[]).map((item) => super.toUrl(item)).join(this.separator);
  }
}

// The examples of docs/routing.md, run through the app over HTTP.
describe('docs/routing.md examples', () => {
  it('behave as the guide says', async () => {
    const app = new App();
    app.get('/', function index() {
      return `<a href="${urlFor('profile', { username: 'ada' })}">Ada</a>`;
    });
    app.get('/user/<username>', function profile({ username }) { return `Hello ${username}`; });
    app.get('/post/<int:postId>', function post({ postId }) { return { id: postId, next: postId + 1 }; });
    app.route('/login', { methods: ['GET', 'POST'] })(function login() {
      return request.method === 'POST' ? 'logging in' : '<form method="post">…</form>';
    });
    app.get('/items', function listItems() { return []; });
    app.post('/items', function createItem() { return ['created', 201] as const; });
    app.put('/items/<int:id>', function replaceItem({ id }) { return { id }; });
    app.delete('/items/<int:id>', function deleteItem({ id }) { return `deleted ${id}`; });
    function users({ page }: { page: number }) { return `page ${page}`; }
    app.get('/users/page/<int:page>', users);
    app.addUrlRule('/users/', users, { defaults: { page: 1 } });
    app.addConverter('list', ListConverter);
    app.get('/tags/<list:tags>', function tags({ tags }) { return { tags }; });
    app.addConverter('even', {
      weight: 40,
      toValue(text: string) { const n = Number(text); if (!Number.isInteger(n) || n % 2 !== 0) throw new ValidationError('not even'); return n; },
      toUrl: (value: unknown) => String(value),
    });
    app.get('/docs/', function docs() { return 'docs'; });
    app.get('/links', function links() {
      return {
        a: urlFor('profile', { username: 'a b' }), b: urlFor('profile', { username: 'ada', tag: ['x', 'y'] }),
        c: urlFor('profile', { username: 'ada', q: 'a b+c' }), d: urlFor('post', { postId: 7 }, { anchor: 'comments' }),
        e: urlFor('users'), f: urlFor('users', { page: 2 }), g: urlFor('tags', { tags: ['a b', 'c'] }),
      };
    });
    const c = app.testClient();
    expect((await c.get('/')).text).toContain('/user/ada');
    expect((await c.get('/post/41')).json()).toEqual({ id: 41, next: 42 });
    expect((await c.post('/items')).status).toBe(201);
    const r405 = await c.patch('/items/3');
    expect(r405.status).toBe(405);
    expect(r405.headers.get('allow')).toBe('DELETE, OPTIONS, PUT');
    const opt = await c.request('OPTIONS', '/items/3');
    expect(opt.headers.get('allow')).toBe('DELETE, OPTIONS, PUT');
    expect((await c.get('/users/')).text).toBe('page 1');
    expect((await c.get('/users/page/3')).text).toBe('page 3');
    const red = await c.get('/users/page/1');
    expect(red.status).toBe(308);
    expect(red.headers.get('location')).toContain('/users/');
    const d = await c.get('/docs');
    expect(d.status).toBe(308);
    expect((await c.get('/tags/a,b')).json()).toEqual({ tags: ['a', 'b'] });
    expect((await c.get('/links')).json()).toEqual({
      a: '/user/a%20b', b: '/user/ada?tag=x&tag=y', c: '/user/ada?q=a+b%2Bc', d: '/post/7#comments', e: '/users/', f: '/users/page/2', g: '/tags/a%20b,c',
    });
  });
});
