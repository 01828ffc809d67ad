import { describe, expect, it } from 'vitest';
import { NotFound } from '../src/errors.js';
import { BaseConverter } from '../src/routing/converter.js';
import type { ConverterArgs } from '../src/routing/converter.js';
import { parseConverterArgs } from '../src/routing/converter-args.js';
import { AnyConverter, FloatConverter, IntegerConverter, PathConverter, StringConverter, UUIDConverter } from '../src/routing/converters.js';
import { Router } from '../src/routing/router.js';
import { ValidationError } from '../src/routing/validation-error.js';

/** The params of `path` for a single rule, or 'no match'. */
function matchOne(rule: string, path: string): Record<string, unknown> | 'no match' {
  const r = new Router();
  r.add(rule, { endpoint: 'e' });
  try {
    return r.match('GET', path).params;
  } catch (error) {
    if (error instanceof NotFound) return 'no match';
    throw error;
  }
}

describe('string converter', () => {
  it('matches one non-empty segment', () => {
    expect(matchOne('/<s>', '/hello world')).toEqual({ s: 'hello world' });
    expect(matchOne('/<string:s>', '/x')).toEqual({ s: 'x' });
    expect(matchOne('/<s>', '/a/b')).toBe('no match');
  });

  it('checks minlength, maxlength and length in code points', () => {
    expect(matchOne('/<string(minlength=3):s>', '/ab')).toBe('no match');
    expect(matchOne('/<string(minlength=3):s>', '/abc')).toEqual({ s: 'abc' });
    expect(matchOne('/<string(maxlength=2):s>', '/abc')).toBe('no match');
    expect(matchOne('/<string(maxlength=2):s>', '/ab')).toEqual({ s: 'ab' });
    expect(matchOne('/<string(length=2):lang>', '/en')).toEqual({ lang: 'en' });
    expect(matchOne('/<string(length=2):lang>', '/eng')).toBe('no match');
    // One emoji is one code point (two UTF-16 units), as Python's len() counts.
    expect(matchOne('/<string(length=1):e>', '/😀')).toEqual({ e: '😀' });
    expect(matchOne('/<string(2, 3):s>', '/abcd')).toBe('no match');
  });
});

describe('int converter', () => {
  it('accepts unsigned digits only by default', () => {
    expect(matchOne('/<int:n>', '/0042')).toEqual({ n: 42 });
    for (const bad of ['-1', '1.5', 'x', '1e3', ' 1', '+1']) expect(matchOne('/<int:n>', '/' + bad)).toBe('no match');
  });

  it('supports signed, min, max and fixed_digits', () => {
    expect(matchOne('/<int(signed=True):n>', '/-5')).toEqual({ n: -5 });
    expect(matchOne('/<int(min=1):n>', '/0')).toBe('no match');
    expect(matchOne('/<int(min=1, max=10):n>', '/10')).toEqual({ n: 10 });
    expect(matchOne('/<int(min=1, max=10):n>', '/11')).toBe('no match');
    expect(matchOne('/<int(fixed_digits=4):n>', '/0007')).toEqual({ n: 7 });
    expect(matchOne('/<int(fixed_digits=4):n>', '/007')).toBe('no match');
    expect(matchOne('/<int(signed=True, min=-3):n>', '/-4')).toBe('no match');
  });

  it('rejects integers a JS number cannot hold exactly', () => {
    expect(matchOne('/<int:n>', '/9007199254740991')).toEqual({ n: 9007199254740991 });
    expect(matchOne('/<int:n>', '/9007199254740993')).toBe('no match');
  });

  it('builds zero-padded, truncated, and refuses non-numbers', () => {
    const c = new IntegerConverter(parseConverterArgs('fixed_digits=3, signed=True'));
    expect(c.toUrl(7)).toBe('007');
    expect(c.toUrl(-5)).toBe('-05');
    expect(c.toUrl('12')).toBe('012');
    expect(c.toUrl(3.9)).toBe('003');
    expect(() => c.toUrl('abc')).toThrow(ValidationError);
  });
});

describe('float converter', () => {
  it('needs digits, a dot and digits', () => {
    expect(matchOne('/<float:x>', '/1.5')).toEqual({ x: 1.5 });
    for (const bad of ['1', '.5', '1.', '-1.5', 'NaN']) expect(matchOne('/<float:x>', '/' + bad)).toBe('no match');
    expect(matchOne('/<float(signed=True):x>', '/-1.5')).toEqual({ x: -1.5 });
    expect(matchOne('/<float(min=0.5, max=2.0):x>', '/0.25')).toBe('no match');
    expect(matchOne('/<float(min=0.5, max=2.0):x>', '/2.0')).toEqual({ x: 2 });
  });

  it('builds whole numbers with a dot, so the URL matches again', () => {
    const c = new FloatConverter();
    expect(c.toUrl(1)).toBe('1.0');
    expect(c.toUrl(2.5)).toBe('2.5');
    expect(() => c.toUrl('x')).toThrow(ValidationError);
  });
});

describe('path converter', () => {
  it('matches slashes, not a leading one, and ranks after segment converters', () => {
    expect(matchOne('/p/<path:p>', '/p/a/b/c.txt')).toEqual({ p: 'a/b/c.txt' });
    expect(matchOne('/p/<path:p>', '/p/')).toBe('no match');
    expect(matchOne('/p/<path:p>', '/p/a/')).toEqual({ p: 'a/' });
    const c = new PathConverter();
    expect(c.partIsolating).toBe(false);
    expect(c.weight).toBe(200);
    expect(c.toUrl('a b/c')).toBe('a%20b/c');
  });
});

describe('any converter', () => {
  it('matches only the listed items, quoted ones included', () => {
    const rule = '/<any(about, help, "foo,bar"):page>';
    expect(matchOne(rule, '/about')).toEqual({ page: 'about' });
    expect(matchOne(rule, '/foo,bar')).toEqual({ page: 'foo,bar' });
    expect(matchOne(rule, '/other')).toBe('no match');
  });

  it('refuses to build other values, naming the valid ones', () => {
    const c = new AnyConverter(parseConverterArgs('help, about'));
    expect(c.toUrl('help')).toBe('help');
    expect(() => c.toUrl('zzz')).toThrow("'zzz' is not one of 'about', 'help'");
    expect(() => new AnyConverter(parseConverterArgs(''))).toThrow(/at least one item/);
  });
});

describe('uuid converter', () => {
  it('matches 8-4-4-4-12 hex and gives the lower-case string', () => {
    expect(matchOne('/<uuid:id>', '/123E4567-E89B-12D3-A456-426614174000')).toEqual({ id: '123e4567-e89b-12d3-a456-426614174000' });
    expect(matchOne('/<uuid:id>', '/123e4567e89b12d3a456426614174000')).toBe('no match');
    expect(matchOne('/<uuid:id>', '/123e4567-e89b-12d3-a456-42661417400g')).toBe('no match');
    expect(() => new UUIDConverter().toUrl('nope')).toThrow(ValidationError);
  });
});

describe('converter arguments', () => {
  it('parses Werkzeug literals', () => {
    expect(parseConverterArgs(`1, 2.5, True, False, None, word, "a,b", 'c', x=-3, y = "z"`)).toEqual({
      positional: [1, 2.5, true, false, null, 'word', 'a,b', 'c'],
      named: { x: -3, y: 'z' },
    });
    expect(() => parseConverterArgs('a b')).toThrow(/Cannot parse converter argument/);
  });

  it('reports unknown or surplus arguments when the rule is added', () => {
    const r = new Router();
    expect(() => r.add('/<int(foo=1):n>', { endpoint: 'e' })).toThrow(/no argument 'foo'/);
    expect(() => r.add('/<float(1, 2, True, 4):n>', { endpoint: 'e' })).toThrow(/at most 3 arguments/);
    expect(() => r.add('/<int(min="x"):n>', { endpoint: 'e' })).toThrow(/must be a number/);
    expect(() => r.add('/<uuid(1):n>', { endpoint: 'e' })).toThrow(/at most 0 arguments/);
  });

  it('built-ins constructed without arguments use the defaults', () => {
    expect(new StringConverter().toValue('x')).toBe('x');
    expect(new IntegerConverter().toValue('5')).toBe(5);
  });
});

describe('custom converters', () => {
  class ListConverter extends BaseConverter {
    readonly separator: string;
    constructor(args: ConverterArgs) {
      super(args);
      this.separator = String(args.named.sep ?? args.positional[0] ?? ',');
    }
    override toValue(text: string): string[] {
      return text.split(this.separator);
    }
    override toUrl(value: unknown): string {
      return (value as string[]).map((v) => super.toUrl(v)).join(this.separator);
    }
  }

  it('registers a class with arguments, used for matching and building', () => {
    const r = new Router({ converters: { list: ListConverter } });
    r.add('/tags/<list:tags>', { endpoint: 'tags' });
    r.add('/pipe/<list(sep="|"):items>', { endpoint: 'pipe' });
    expect(r.match('GET', '/tags/a,b,c').params).toEqual({ tags: ['a', 'b', 'c'] });
    expect(r.match('GET', '/pipe/a|b').params).toEqual({ items: ['a', 'b'] });
    expect(r.build('tags', { tags: ['x y', 'z'] })).toBe('/tags/x%20y,z');
  });

  it('registers a plain object; a ValidationError from toValue tries the next rule', () => {
    const r = new Router();
    r.converters.set('even', {
      weight: 40,
      toValue(text: string): number {
        const n = Number(text);
        if (!Number.isInteger(n) || n % 2 !== 0) throw new ValidationError('odd');
        return n;
      },
      toUrl: (value: unknown) => String(value),
    });
    r.add('/n/<n>', { endpoint: 'string' });
    r.add('/n/<even:n>', { endpoint: 'even' });
    // Weight 40 ranks the custom converter before string, whatever the order of registration.
    expect(r.match('GET', '/n/4')).toMatchObject({ rule: { endpoint: 'even' }, params: { n: 4 } });
    expect(r.match('GET', '/n/5')).toMatchObject({ rule: { endpoint: 'string' }, params: { n: '5' } });
    expect(() => r.add('/x/<even(2):n>', { endpoint: 'x' })).toThrow(/takes no arguments/);
  });

  it('lets other errors from a converter through (a bug, not a mismatch)', () => {
    const r = new Router();
    r.converters.set('broken', { toValue: () => { throw new RangeError('boom'); } });
    r.add('/<broken:x>', { endpoint: 'b' });
    expect(() => r.match('GET', '/a')).toThrow(RangeError);
  });

  it('supports converters that span segments (partIsolating false)', () => {
    const r = new Router();
    r.converters.set('segments', { partIsolating: false, weight: 300, toValue: (text: string) => text.split('/') });
    r.add('/s/<segments:parts>/end', { endpoint: 's' });
    expect(r.match('GET', '/s/a/b/c/end').params).toEqual({ parts: ['a', 'b', 'c'] });
  });

  it('uses the "default" converter for bare placeholders, and it can be replaced', () => {
    const r = new Router();
    r.converters.set('default', IntegerConverter);
    r.add('/<n>', { endpoint: 'n' });
    expect(r.match('GET', '/12').params).toEqual({ n: 12 });
  });
});

describe('re-registering a converter name', () => {
  it('keeps rules added before on the old converter and rules added after on the new one', () => {
    const r = new Router();
    r.converters.set('code', { toValue: (text: string) => `old:${text}` });
    r.add('/<code:c>/a', { endpoint: 'a' });
    r.converters.set('code', { toValue: (text: string) => `new:${text}` });
    r.add('/<code:c>/b', { endpoint: 'b' });
    expect(r.match('GET', '/x/a').params).toEqual({ c: 'old:x' });
    expect(r.match('GET', '/x/b').params).toEqual({ c: 'new:x' });
  });
});
