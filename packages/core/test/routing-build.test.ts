import { describe, expect, it } from 'vitest';
import { BuildError } from '../src/routing/build-error.js';
import { Router } from '../src/routing/router.js';
import { similarity } from '../src/routing/similarity.js';

function buildError(fn: () => unknown): BuildError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BuildError) return error;
    throw error;
  }
  throw new Error('expected a BuildError');
}

function router(): Router {
  const r = new Router();
  r.add('/user/<username>', { endpoint: 'user' });
  r.add('/post/<int:post_id>', { endpoint: 'post' });
  r.add('/path/<path:subpath>', { endpoint: 'path' });
  r.add('/f/<float:x>', { endpoint: 'flt' });
  r.add('/d/<int(fixed_digits=4):n>', { endpoint: 'fixed' });
  r.add('/<any(about, help):page>', { endpoint: 'page' });
  r.add('/all/', { endpoint: 'all', defaults: { page: 1 } });
  r.add('/all/page/<int:page>', { endpoint: 'all' });
  r.add('/café/<name>', { endpoint: 'cafe' });
  r.add('/files/<path:p>/edit', { endpoint: 'edit' });
  return r;
}

// Expected strings come from Werkzeug 3.1 (`Map.bind(...).build`) for the same rules.
describe('Router.build', () => {
  it('fills placeholders through converters', () => {
    const r = router();
    expect(r.build('post', { post_id: 5 })).toBe('/post/5');
    expect(r.build('flt', { x: 1 })).toBe('/f/1.0');
    expect(r.build('fixed', { n: 7 })).toBe('/d/0007');
    expect(r.build('page', { page: 'help' })).toBe('/help');
    expect(r.build('edit', { p: 'a/b' })).toBe('/files/a/b/edit');
  });

  it('percent-encodes like Werkzeug: path-safe characters stay, slashes stay', () => {
    const r = router();
    expect(r.build('user', { username: 'a b/c?d&e=f#g' })).toBe('/user/a%20b/c%3Fd&e=f%23g');
    expect(r.build('user', { username: "!$&'()*+,;=:@~-._" })).toBe("/user/!$&'()*+,;=:@~-._");
    expect(r.build('path', { subpath: 'a/b c/d' })).toBe('/path/a/b%20c/d');
    expect(r.build('cafe', { name: 'naïve €' })).toBe('/caf%C3%A9/na%C3%AFve%20%E2%82%AC');
  });

  it('puts leftover values in the query string, arrays repeated, null dropped', () => {
    const r = router();
    expect(r.build('user', { username: 'x', q: [1, 2], z: 'a b+c', none: null, missing: undefined })).toBe('/user/x?q=1&q=2&z=a+b%2Bc');
    expect(r.build('user', { username: 'x', k: "!$&'()*+,;=:@~-._/?#[]%" })).toBe("/user/x?k=!$%26'()*%2B,;%3D:@~-._/?%23%5B%5D%25");
    expect(r.build('user', { username: 'x', 'a b': 'c' })).toBe('/user/x?a+b=c');
  });

  it('never adds an anchor (the caller does)', () => {
    const r = router();
    expect(r.build('user', { username: 'x', _anchor: undefined })).toBe('/user/x');
    expect(r.build('post', { post_id: 1 })).not.toContain('#');
  });

  it('uses the rule whose defaults equal the values, and keeps defaults out of the query', () => {
    const r = router();
    expect(r.build('all')).toBe('/all/');
    expect(r.build('all', { page: 1 })).toBe('/all/');
    expect(r.build('all', { page: 2 })).toBe('/all/page/2');
    expect(r.build('all', { page: 2, sort: 'new' })).toBe('/all/page/2?sort=new');
  });

  it('picks the rule for a method, preferring GET when none is given', () => {
    const r = new Router();
    r.add('/items/<int:id>', { endpoint: 'item', methods: ['POST'] });
    r.add('/item/<int:id>', { endpoint: 'item' });
    expect(r.build('item', { id: 1 })).toBe('/item/1');
    expect(r.build('item', { id: 1 }, { method: 'POST' })).toBe('/items/1');
    expect(r.build('item', { id: 1 }, { method: 'post' })).toBe('/items/1');
  });

  it('round-trips: a built URL matches its rule with the same values', () => {
    const r = router();
    const values = { username: 'ünï cødé?#%' };
    const url = r.build('user', values);
    expect(r.match('GET', decodeURIComponent(url)).params).toEqual(values);
  });
});

describe('BuildError', () => {
  it('names an unknown endpoint and suggests a close one', () => {
    const e = buildError(() => router().build('usr', { username: 'x' }));
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('MICRO_BUILD_ERROR');
    expect(e.endpoint).toBe('usr');
    expect(e.message).toBe("Could not build url for endpoint 'usr' with values ['username']. Did you mean 'user' instead?");
  });

  it('says so when no endpoint is close', () => {
    const e = buildError(() => router().build('nothing_alike_zzz'));
    expect(e.message).toBe("Could not build url for endpoint 'nothing_alike_zzz'. No rule has this endpoint.");
    expect(e.suggested).toBeUndefined();
  });

  it('lists missing values', () => {
    const e = buildError(() => router().build('user'));
    expect(e.message).toBe("Could not build url for endpoint 'user'. Did you forget to specify values ['username']?");
    expect(e.suggested?.endpoint).toBe('user');
  });

  it('reports a value refused by a converter', () => {
    const e = buildError(() => router().build('page', { page: 'zzz' }));
    expect(e.message).toContain("Could not build url for endpoint 'page' with values ['page'].");
    expect(e.message).toContain("The value for 'page' was refused by the converter of rule '/<any(about, help):page>': 'zzz' is not one of 'about', 'help'.");
    expect(e.refused?.name).toBe('page');
    expect(buildError(() => router().build('post', { post_id: 'abc' })).message).toContain("'abc' is not an integer");
  });

  it('suggests the methods of the rule when the method does not fit', () => {
    const e = buildError(() => router().build('post', { post_id: 1 }, { method: 'DELETE' }));
    expect(e.message).toBe(
      "Could not build url for endpoint 'post' ('DELETE') with values ['post_id']. Did you mean to use methods ['GET', 'HEAD', 'OPTIONS']?",
    );
  });
});

describe('similarity (difflib ratio)', () => {
  it('matches Python difflib.SequenceMatcher.ratio', () => {
    // Values printed by python3: SequenceMatcher(None, a, b).ratio()
    expect(similarity('user', 'usr')).toBeCloseTo(0.857142857, 6);
    expect(similarity('abcd', 'bcde')).toBeCloseTo(0.75, 6);
    expect(similarity('index', 'nothing_alike_zzz')).toBeCloseTo(0.272727272, 6);
    expect(similarity('', '')).toBe(1);
  });
});

describe('Router.build: slashes in string values', () => {
  it('keeps a slash unencoded even for a string placeholder, as Werkzeug (so it no longer matches)', () => {
    const r = router();
    expect(r.build('user', { username: 'a/b' })).toBe('/user/a/b');
  });
});
