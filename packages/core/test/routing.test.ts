import { describe, expect, it } from 'vitest';
import { MethodNotAllowed, NotFound, RequestRedirect } from '../src/errors.js';
import { Router } from '../src/routing/router.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Router.match: basics', () => {
  it('matches static and dynamic rules and converts values', () => {
    const r = new Router();
    r.add('/', { endpoint: 'index' });
    r.add('/user/<username>', { endpoint: 'user' });
    r.add('/post/<int:post_id>', { endpoint: 'post' });
    expect(r.match('GET', '/').rule.endpoint).toBe('index');
    expect(r.match('GET', '/user/bob')).toMatchObject({ rule: { endpoint: 'user' }, params: { username: 'bob' } });
    const post = r.match('GET', '/post/42');
    expect(post.params).toEqual({ post_id: 42 });
    expect(typeof post.params.post_id).toBe('number');
  });

  it('404s unknown paths and placeholders that do not convert', () => {
    const r = new Router();
    r.add('/post/<int:id>', { endpoint: 'post' });
    expect(thrown(() => r.match('GET', '/nope'))).toBeInstanceOf(NotFound);
    expect(thrown(() => r.match('GET', '/post/abc'))).toBeInstanceOf(NotFound);
    expect(thrown(() => r.match('GET', '/post/'))).toBeInstanceOf(NotFound);
    expect(thrown(() => r.match('GET', '/post/1/2'))).toBeInstanceOf(NotFound);
  });

  it('is case-sensitive, like Werkzeug', () => {
    const r = new Router();
    r.add('/About', { endpoint: 'about' });
    expect(r.match('GET', '/About').rule.endpoint).toBe('about');
    expect(thrown(() => r.match('GET', '/about'))).toBeInstanceOf(NotFound);
  });

  it('returns a fresh params object per match', () => {
    const r = new Router();
    r.add('/a', { endpoint: 'a', defaults: { x: 1 } });
    const first = r.match('GET', '/a');
    first.params.x = 2;
    expect(r.match('GET', '/a').params).toEqual({ x: 1 });
  });

  it('matches several placeholders in one segment and static text around them', () => {
    const r = new Router();
    r.add('/file/<name>.<ext>', { endpoint: 'file' });
    r.add('/v<int:major>/items', { endpoint: 'versioned' });
    expect(r.match('GET', '/file/report.final.pdf').params).toEqual({ name: 'report.final', ext: 'pdf' });
    expect(r.match('GET', '/v2/items').params).toEqual({ major: 2 });
    expect(thrown(() => r.match('GET', '/vx/items'))).toBeInstanceOf(NotFound);
  });

  it('matches unicode paths (already percent-decoded)', () => {
    const r = new Router();
    r.add('/café/<name>', { endpoint: 'cafe' });
    r.add('/日本', { endpoint: 'jp' });
    expect(r.match('GET', '/café/crème brûlée').params).toEqual({ name: 'crème brûlée' });
    expect(r.match('GET', '/日本').rule.endpoint).toBe('jp');
  });

  it('collapses leading slashes and redirects repeated inner slashes (merge_slashes)', () => {
    const r = new Router();
    r.add('/a/b', { endpoint: 'ab' });
    r.add('/path/<path:p>', { endpoint: 'path' });
    expect(r.match('GET', '//a/b').rule.endpoint).toBe('ab');
    const e = thrown(() => r.match('GET', '/a//b'));
    expect(e).toBeInstanceOf(RequestRedirect);
    expect((e as RequestRedirect).location).toBe('/a/b');
    // A path converter takes the doubled slash as is, as in Werkzeug.
    expect(r.match('GET', '/path/a//b').params).toEqual({ p: 'a//b' });
  });

  it('rejects malformed rules, unknown converters and duplicate names at add time', () => {
    const r = new Router();
    expect(() => r.add('user', { endpoint: 'x' })).toThrow(/must start with a slash/);
    expect(() => r.add('/<nope:x>', { endpoint: 'x' })).toThrow(/converter 'nope'.*does not exist/);
    expect(() => r.add('/<a>/<a>', { endpoint: 'x' })).toThrow(/'a' twice/);
    expect(() => r.add('/<a', { endpoint: 'x' })).toThrow(/Malformed URL rule/);
    expect(() => r.add('/<a><b>', { endpoint: 'x' })).toThrow(/static text between/);
    expect(() => r.add('/x', { endpoint: 'x', methods: 'GET' })).toThrow(/list of strings/);
    expect(r.rules).toHaveLength(0);
  });

  it('exposes the rule fields', () => {
    const r = new Router();
    const rule = r.add('/p/<int:id>', { endpoint: 'p', methods: ['post', 'GET'], defaults: { lang: 'en' } });
    expect(rule.rule).toBe('/p/<int:id>');
    expect(rule.endpoint).toBe('p');
    expect([...rule.methods].sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    expect(rule.strictSlashes).toBe(true);
    expect(rule.defaults).toEqual({ lang: 'en' });
    expect([...rule.arguments].sort()).toEqual(['id', 'lang']);
    expect(rule.provideAutomaticOptions).toBe(true);
    expect(r.rules).toEqual([rule]);
  });
});

describe('Router.match: methods', () => {
  it('defaults to GET, adds HEAD to GET and OPTIONS automatically', () => {
    const r = new Router();
    r.add('/a', { endpoint: 'a' });
    expect(r.match('HEAD', '/a').rule.endpoint).toBe('a');
    expect(r.match('OPTIONS', '/a').rule.endpoint).toBe('a');
    const e = thrown(() => r.match('POST', '/a'));
    expect(e).toBeInstanceOf(MethodNotAllowed);
    expect((e as MethodNotAllowed).headers.Allow).toBe('GET, HEAD, OPTIONS');
  });

  it('leaves OPTIONS out when provideAutomaticOptions is false or OPTIONS is listed', () => {
    const r = new Router();
    const off = r.add('/a', { endpoint: 'a', provideAutomaticOptions: false });
    const own = r.add('/b', { endpoint: 'b', methods: ['GET', 'OPTIONS'] });
    expect(off.methods.has('OPTIONS')).toBe(false);
    expect((thrown(() => r.match('OPTIONS', '/a')) as MethodNotAllowed).allowed).toEqual(['GET', 'HEAD']);
    expect(own.provideAutomaticOptions).toBe(false);
    expect(own.methods.has('OPTIONS')).toBe(true);
  });

  it('gives 405 with every method of every rule matching the path, sorted', () => {
    const r = new Router();
    r.add('/a', { endpoint: 'a', methods: ['POST', 'PUT', 'DELETE'] });
    r.add('/a', { endpoint: 'a2', methods: ['PATCH'] });
    r.add('/b', { endpoint: 'b' });
    const e = thrown(() => r.match('GET', '/a')) as MethodNotAllowed;
    expect(e).toBeInstanceOf(MethodNotAllowed);
    expect(e.status).toBe(405);
    expect(e.headers.Allow).toBe('DELETE, OPTIONS, PATCH, POST, PUT');
    expect(r.match('PATCH', '/a').rule.endpoint).toBe('a2');
  });

  it('tries later rules for the same path when the method does not fit', () => {
    const r = new Router();
    r.add('/user/new', { endpoint: 'create', methods: ['POST'] });
    r.add('/user/<name>', { endpoint: 'user' });
    expect(r.match('POST', '/user/new').rule.endpoint).toBe('create');
    expect(r.match('GET', '/user/new')).toMatchObject({ rule: { endpoint: 'user' }, params: { name: 'new' } });
  });

  it('collects allowed methods from dynamic rules too', () => {
    const r = new Router();
    r.add('/item/<int:id>', { endpoint: 'get' });
    r.add('/item/<int:id>', { endpoint: 'put', methods: ['PUT'] });
    r.add('/item/<name>', { endpoint: 'named', methods: ['DELETE'] });
    expect(r.allowedMethods('/item/1')).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']);
    expect(r.allowedMethods('/item/x')).toEqual(['DELETE', 'OPTIONS']);
    expect(r.allowedMethods('/nothing')).toEqual([]);
    expect((thrown(() => r.match('PATCH', '/item/1')) as MethodNotAllowed).allowed).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT']);
  });

  it('accepts lower-case methods', () => {
    const r = new Router();
    r.add('/a', { endpoint: 'a', methods: ['post'] });
    expect(r.match('post', '/a').rule.endpoint).toBe('a');
    expect(r.match('POST', '/a').rule.endpoint).toBe('a');
  });

  it('lets the first of duplicate registrations win', () => {
    const r = new Router();
    r.add('/dup', { endpoint: 'first' });
    r.add('/dup', { endpoint: 'second' });
    r.add('/dyn/<x>', { endpoint: 'first' });
    r.add('/dyn/<y>', { endpoint: 'second' });
    expect(r.match('GET', '/dup').rule.endpoint).toBe('first');
    expect(r.match('GET', '/dyn/1')).toMatchObject({ rule: { endpoint: 'first' }, params: { x: '1' } });
    expect(r.rules).toHaveLength(4);
  });
});

describe('Router.match: strict slashes', () => {
  it('redirects a branch URL without its slash (308) and 404s a leaf URL with one', () => {
    const r = new Router();
    r.add('/docs/', { endpoint: 'docs' });
    r.add('/about', { endpoint: 'about' });
    const e = thrown(() => r.match('GET', '/docs')) as RequestRedirect;
    expect(e).toBeInstanceOf(RequestRedirect);
    expect(e.status).toBe(308);
    expect(e.location).toBe('/docs/');
    expect(e.headers.Location).toBe('/docs/');
    expect(r.match('GET', '/docs/').rule.endpoint).toBe('docs');
    expect(thrown(() => r.match('GET', '/about/'))).toBeInstanceOf(NotFound);
  });

  it('redirects only when the branch rule allows the method (else 404, as Flask)', () => {
    const r = new Router();
    r.add('/p/', { endpoint: 'p', methods: ['POST'] });
    expect(thrown(() => r.match('POST', '/p'))).toBeInstanceOf(RequestRedirect);
    expect(thrown(() => r.match('GET', '/p'))).toBeInstanceOf(NotFound);
  });

  it('prefers an exact leaf rule over the redirect', () => {
    const r = new Router();
    r.add('/x/', { endpoint: 'branch' });
    r.add('/x', { endpoint: 'leaf' });
    expect(r.match('GET', '/x').rule.endpoint).toBe('leaf');
    expect(r.match('GET', '/x/').rule.endpoint).toBe('branch');
  });

  it('with strictSlashes false matches both forms without redirecting', () => {
    const r = new Router();
    r.add('/branch/', { endpoint: 'branch', strictSlashes: false });
    r.add('/leaf', { endpoint: 'leaf', strictSlashes: false });
    r.add('/u/<name>', { endpoint: 'u', strictSlashes: false });
    expect(r.match('GET', '/branch').rule.endpoint).toBe('branch');
    expect(r.match('GET', '/branch/').rule.endpoint).toBe('branch');
    expect(r.match('GET', '/leaf/').rule.endpoint).toBe('leaf');
    expect(r.match('GET', '/u/bob/').params).toEqual({ name: 'bob' });
  });

  it('redirects dynamic branch URLs and path converters ending in a slash', () => {
    const r = new Router();
    r.add('/user/<name>/', { endpoint: 'user' });
    r.add('/tree/<path:p>/', { endpoint: 'tree' });
    expect((thrown(() => r.match('GET', '/user/bob')) as RequestRedirect).location).toBe('/user/bob/');
    expect((thrown(() => r.match('GET', '/tree/a/b')) as RequestRedirect).location).toBe('/tree/a/b/');
    expect(r.match('GET', '/tree/a/b/').params).toEqual({ p: 'a/b' });
  });

  it('percent-encodes the redirect location', () => {
    const r = new Router();
    r.add('/café/<name>/', { endpoint: 'c' });
    expect((thrown(() => r.match('GET', '/café/a b')) as RequestRedirect).location).toBe('/caf%C3%A9/a%20b/');
  });
});

describe('Router.match: ordering (Werkzeug weights, not registration order)', () => {
  it('static parts beat converters', () => {
    const r = new Router();
    r.add('/user/<name>', { endpoint: 'user' });
    r.add('/user/new', { endpoint: 'new' });
    expect(r.match('GET', '/user/new').rule.endpoint).toBe('new');
    expect(r.match('GET', '/user/bob').rule.endpoint).toBe('user');
  });

  it('int beats string beats path', () => {
    const r = new Router();
    r.add('/x/<path:p>', { endpoint: 'path' });
    r.add('/x/<s>', { endpoint: 'string' });
    r.add('/x/<int:n>', { endpoint: 'int' });
    expect(r.match('GET', '/x/12').rule.endpoint).toBe('int');
    expect(r.match('GET', '/x/ab').rule.endpoint).toBe('string');
    expect(r.match('GET', '/x/a/b').rule.endpoint).toBe('path');
  });

  it('a segment with more static text ranks first', () => {
    const r = new Router();
    r.add('/f/<name>', { endpoint: 'any' });
    r.add('/f/<name>.json', { endpoint: 'json' });
    expect(r.match('GET', '/f/data.json')).toMatchObject({ rule: { endpoint: 'json' }, params: { name: 'data' } });
    expect(r.match('GET', '/f/data.xml').rule.endpoint).toBe('any');
  });

  it('backtracks: a static branch that fails deeper falls back to a converter', () => {
    const r = new Router();
    r.add('/a/b/c', { endpoint: 'static' });
    r.add('/a/<x>/d', { endpoint: 'dynamic' });
    expect(r.match('GET', '/a/b/d')).toMatchObject({ rule: { endpoint: 'dynamic' }, params: { x: 'b' } });
  });

  it('a rejected converter value means "try the next rule"', () => {
    const r = new Router();
    r.add('/n/<int(max=9):n>', { endpoint: 'small' });
    r.add('/n/<name>', { endpoint: 'other' });
    expect(r.match('GET', '/n/7')).toMatchObject({ rule: { endpoint: 'small' }, params: { n: 7 } });
    expect(r.match('GET', '/n/10')).toMatchObject({ rule: { endpoint: 'other' }, params: { name: '10' } });
  });

  it('path converters can be followed by static parts', () => {
    const r = new Router();
    r.add('/files/<path:p>/edit', { endpoint: 'edit' });
    r.add('/files/<path:p>', { endpoint: 'show' });
    expect(r.match('GET', '/files/a/b/edit')).toMatchObject({ rule: { endpoint: 'edit' }, params: { p: 'a/b' } });
    expect(r.match('GET', '/files/a/b')).toMatchObject({ rule: { endpoint: 'show' }, params: { p: 'a/b' } });
  });
});

describe('Router.match: defaults', () => {
  it('merges defaults into params', () => {
    const r = new Router();
    r.add('/users/', { endpoint: 'users', defaults: { page: 1 } });
    r.add('/users/page/<int:page>', { endpoint: 'users' });
    expect(r.match('GET', '/users/').params).toEqual({ page: 1 });
    expect(r.match('GET', '/users/page/3').params).toEqual({ page: 3 });
  });

  it('redirects to the canonical URL when the values equal another rule’s defaults', () => {
    const r = new Router();
    r.add('/users/', { endpoint: 'users', defaults: { page: 1 } });
    r.add('/users/page/<int:page>', { endpoint: 'users' });
    const e = thrown(() => r.match('GET', '/users/page/1')) as RequestRedirect;
    expect(e).toBeInstanceOf(RequestRedirect);
    expect(e.location).toBe('/users/');
  });
});
