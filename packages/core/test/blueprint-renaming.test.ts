import { describe, expect, it } from 'vitest';
import { App, Blueprint, abort, urlFor } from '@micro/core';

// Ported from Flask 3.1's tests/test_blueprints.py; the expected values are what Flask answers.
describe('one blueprint registered under several names (Flask 2’s name=)', () => {
  it('test_blueprint_renaming: endpoints, nested blueprints and error handlers under each name', async () => {
    const app = new App();
    const bp = new Blueprint('bp');
    const bp2 = new Blueprint('bp2');
    bp.get('/', function index(_, ctx) {
      return ctx.request.endpoint!;
    });
    bp.get('/error', function error() {
      abort(403);
    });
    bp.errorHandler(403, () => ['Error', 403]);
    bp2.get('/', function index2(_, ctx) {
      return ctx.request.endpoint!;
    });
    bp.registerBlueprint(bp2, { urlPrefix: '/a', name: 'sub' });
    app.registerBlueprint(bp, { urlPrefix: '/a' });
    app.registerBlueprint(bp, { urlPrefix: '/b', name: 'alt' });

    const client = app.testClient();
    expect((await client.get('/a/')).text).toBe('bp.index');
    expect((await client.get('/b/')).text).toBe('alt.index');
    expect((await client.get('/a/a/')).text).toBe('bp.sub.index2');
    expect((await client.get('/b/a/')).text).toBe('alt.sub.index2');
    expect((await client.get('/a/error')).text).toBe('Error');
    expect((await client.get('/b/error')).text).toBe('Error');
  });

  it('test_unique_blueprint_names: a name is used once, whichever blueprint has it', () => {
    const app = new App();
    const bp = new Blueprint('bp');
    const bp2 = new Blueprint('bp');
    app.registerBlueprint(bp);
    expect(() => app.registerBlueprint(bp)).toThrow(
      "The name 'bp' is already registered for this blueprint. Use { name } to provide a unique name.",
    );
    app.registerBlueprint(bp, { name: 'again' });
    expect(() => app.registerBlueprint(bp2)).toThrow(
      "The name 'bp' is already registered for a different blueprint. Use { name } to provide a unique name.",
    );
    app.registerBlueprint(bp2, { name: 'alt' });
    expect([...app.blueprints.keys()]).toEqual(['bp', 'again', 'alt']);
  });

  it('names the full dotted name when a nested one clashes', () => {
    const app = new App();
    const parent = new Blueprint('parent');
    const child = new Blueprint('child');
    parent.registerBlueprint(child);
    app.registerBlueprint(parent);
    const other = new Blueprint('other');
    other.registerBlueprint(new Blueprint('child'));
    expect(() => app.registerBlueprint(other, { name: 'parent' })).toThrow(
      "The name 'parent' is already registered for a different blueprint. Use { name } to provide a unique name.",
    );
    const third = new Blueprint('third');
    expect(() => parent.registerBlueprint(third, { name: 'child' })).toThrow(/already registered on an app/);
    const fresh = new Blueprint('fresh');
    fresh.registerBlueprint(child);
    expect(() => fresh.registerBlueprint(third, { name: 'child' })).toThrow(
      "The blueprint 'fresh' already has a nested blueprint named 'child'. Use { name } to nest it under another name.",
    );
  });

  it('urlFor, rules added later, hooks and url processors work under every name', async () => {
    const app = new App();
    const bp = new Blueprint('api');
    const seen: string[] = [];
    bp.beforeRequest((ctx) => void seen.push(ctx.request.blueprint!));
    bp.get('/', function home() {
      return urlFor('.later');
    });
    app.registerBlueprint(bp, { urlPrefix: '/v1' });
    app.registerBlueprint(bp, { urlPrefix: '/v2', name: 'api2' });
    bp.get('/later', function later() {
      return 'later';
    });
    const client = app.testClient();
    expect((await client.get('/v1/')).text).toBe('/v1/later');
    expect((await client.get('/v2/')).text).toBe('/v2/later');
    expect((await client.get('/v2/later')).text).toBe('later');
    expect(seen).toEqual(['api', 'api2', 'api2']);
  });

  it('refuses a name that is empty or dotted', () => {
    const app = new App();
    const bp = new Blueprint('bp');
    expect(() => app.registerBlueprint(bp, { name: 'a.b' })).toThrow('Blueprint name "a.b" must be non-empty and must not contain a dot');
    expect(() => app.registerBlueprint(bp, { name: '' })).toThrow('must be non-empty');
    expect(() => new Blueprint('p').registerBlueprint(bp, { name: 'x.y' })).toThrow('must not contain a dot');
  });
});
