import { describe, expect, it } from 'vitest';
import { NotFound } from '../src/errors.js';
import { Router } from '../src/routing/router.js';

// The work per request must not grow with the number of rules: a path tries
// only the rules on its branch of the state machine. These tests count the
// rules tried and the dynamic parts tested (each at most one regex), never time.

function bigRouter(): Router {
  const r = new Router();
  for (let i = 0; i < 1000; i++) {
    r.add(`/r${i}/<int:id>`, { endpoint: `first${i}` });
    r.add(`/<lang>/page${i}/<slug>`, { endpoint: `lang${i}` });
    r.add(`/api/v1/res${i}/<id>/sub/<int:n>`, { endpoint: `api${i}` });
    r.add(`/items/<int:id>/f${i}`, { endpoint: `field${i}` });
    r.add(`/static${i}/index`, { endpoint: `static${i}` });
  }
  return r;
}

describe('Router with 1 000 rules of each shape', () => {
  const r = bigRouter();

  it('has them all', () => {
    expect(r.rules).toHaveLength(5000);
  });

  it.each([
    ['/r999/42', 'first999', { id: 42 }],
    ['/en/page777/hello', 'lang777', { lang: 'en', slug: 'hello' }],
    ['/api/v1/res500/abc/sub/7', 'api500', { id: 'abc', n: 7 }],
    ['/items/9/f999', 'field999', { id: 9 }],
  ])('matches %s after trying one rule and a few dynamic parts', (path, endpoint, params) => {
    const trace = r.trace('GET', path);
    expect(trace.result).toMatchObject({ rule: { endpoint }, params });
    expect(trace.candidates).toHaveLength(1);
    expect(trace.candidates[0]!.endpoint).toBe(endpoint);
    expect(trace.partTests).toBeLessThanOrEqual(3);
  });

  it('matches a static path with one lookup and no dynamic test', () => {
    const trace = r.trace('GET', '/static999/index');
    expect(trace.result).toMatchObject({ rule: { endpoint: 'static999' } });
    expect(trace.candidates.map((rule) => rule.endpoint)).toEqual(['static999']);
    expect(trace.partTests).toBe(0);
  });

  it('404s without scanning the rules', () => {
    const trace = r.trace('GET', '/r5/not-a-number');
    expect(trace.result).toBeInstanceOf(NotFound);
    expect(trace.candidates).toHaveLength(0);
    expect(trace.partTests).toBeLessThanOrEqual(3);
    const deep = r.trace('GET', '/en/nowhere/x/y/z');
    expect(deep.result).toBeInstanceOf(NotFound);
    expect(deep.partTests).toBeLessThanOrEqual(3);
  });

  it('candidates() lists the rules tried for a path', () => {
    expect(r.candidates('/r1/5').map((rule) => rule.endpoint)).toEqual(['first1']);
    expect(r.candidates('/missing')).toEqual([]);
  });

  it('agrees with the trace when the method is wrong (405 after one candidate)', () => {
    const trace = r.trace('POST', '/r3/1');
    expect(trace.candidates).toHaveLength(1);
    expect(trace.result).toMatchObject({ status: 405, allowed: ['GET', 'HEAD', 'OPTIONS'] });
  });
});
