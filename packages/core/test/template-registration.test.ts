/**
 * The template registration methods exist on App and Blueprint before any
 * template engine is installed (@micro/templates reads them at render time).
 */
import { describe, expect, it } from 'vitest';
import { App, Blueprint } from '@micro/core';

describe('app.templateFilter / templateGlobal / templateTest', () => {
  it('accepts Flask’s forms: fn, (fn, name), (name)(fn), ()(fn)', () => {
    const app = new App();
    const reverse = (s: string) => [...s].reverse().join('');
    expect(app.templateFilter(reverse)).toBe(reverse);
    app.templateFilter((s: string) => s.toUpperCase(), 'shout');
    app.templateFilter('twice')((s: string) => s + s);
    app.templateFilter()(function trim(s: string) {
      return s.trim();
    });
    expect([...app.templateFilters.keys()]).toEqual(['reverse', 'shout', 'twice', 'trim']);
    app.templateGlobal(function answer() {
      return 42;
    });
    app.templateTest('even')((n: number) => n % 2 === 0);
    expect(app.templateGlobals.has('answer')).toBe(true);
    expect(app.templateTests.get('even')!(4)).toBe(true);
  });

  it('refuses an anonymous function without a name', () => {
    const app = new App();
    const anonymous = [(x: unknown) => x][0]!;
    expect(() => app.templateFilter(anonymous)).toThrow(/anonymous function needs a name/);
  });
});

describe('context processors', () => {
  it('are kept per scaffold, in registration order', () => {
    const app = new App();
    const bp = new Blueprint('admin');
    const a = () => ({ a: 1 });
    const b = () => ({ b: 2 });
    app.contextProcessor(a);
    bp.contextProcessor(b);
    expect(app.templateContextProcessors).toEqual([a]);
    expect(bp.templateContextProcessors).toEqual([b]);
  });
});

describe('blueprint app-wide template setup', () => {
  it('reaches the app at registration, once per app, and after registration too', () => {
    const app = new App();
    const bp = new Blueprint('shop', { templateFolder: '/srv/shop/templates' });
    const price = (n: number) => `$${n}`;
    const processor = () => ({ currency: 'USD' });
    bp.appTemplateFilter(price);
    bp.appTemplateGlobal('cart')(() => []);
    bp.appTemplateTest(function cheap(n: number) {
      return n < 5;
    });
    bp.appContextProcessor(processor);
    expect(app.templateFilters.size).toBe(0);

    // Mounted twice on one app, under two parents.
    const eu = new Blueprint('eu');
    const us = new Blueprint('us');
    eu.registerBlueprint(bp);
    us.registerBlueprint(bp);
    app.registerBlueprint(eu);
    app.registerBlueprint(us);
    expect(app.templateFilters.get('price')).toBe(price);
    expect(app.templateGlobals.has('cart')).toBe(true);
    expect(app.templateTests.has('cheap')).toBe(true);
    expect(app.templateContextProcessors).toEqual([processor]);

    bp.appTemplateFilter('late')((s: string) => s);
    expect(app.templateFilters.has('late')).toBe(true);
    expect(bp.templateFolder).toBe('/srv/shop/templates');
  });
});
