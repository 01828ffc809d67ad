import { describe, expect, it } from 'vitest';
import { parseContentType } from '../src/body/content-type.js';
import { MultiDict } from '../src/body/multidict.js';
import { parseQueryString } from '../src/body/parse-query-string.js';
import { secureFilename } from '../src/body/secure-filename.js';

describe('MultiDict', () => {
  const md = new MultiDict<string>([
    ['a', '1'],
    ['b', '2'],
    ['a', '3'],
  ]);

  it('get returns the first value, or the default', () => {
    expect(md.get('a')).toBe('1');
    expect(md.get('missing')).toBeUndefined();
    expect(md.get('missing', 'd')).toBe('d');
    expect(md.get('b', 'd')).toBe('2');
  });

  it('getAll returns every value in order, a copy', () => {
    expect(md.getAll('a')).toEqual(['1', '3']);
    expect(md.getAll('missing')).toEqual([]);
    md.getAll('a').push('x');
    expect(md.getAll('a')).toEqual(['1', '3']);
  });

  it('keys are unique, entries keep every pair in arrival order, values are first values', () => {
    expect([...md.keys()]).toEqual(['a', 'b']);
    expect([...md.entries()]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
    expect([...md]).toEqual([...md.entries()]);
    expect([...md.values()]).toEqual(['1', '2']);
    expect(md.size).toBe(2);
    expect(md.has('b')).toBe(true);
    expect(md.has('c')).toBe(false);
  });

  it('append adds a value after the existing ones', () => {
    const d = new MultiDict<number>();
    expect(d.size).toBe(0);
    d.append('x', 1);
    d.append('y', 2);
    d.append('x', 3);
    expect(d.getAll('x')).toEqual([1, 3]);
    expect(d.size).toBe(2);
  });

  it('toObject keeps first values, toJSON lists repeated keys', () => {
    expect(md.toObject()).toEqual({ a: '1', b: '2' });
    expect(md.toJSON()).toEqual({ a: ['1', '3'], b: '2' });
    expect(JSON.parse(JSON.stringify(md))).toEqual({ a: ['1', '3'], b: '2' });
  });

  it('a __proto__ key is stored as data, not as a prototype', () => {
    const d = MultiDict.fromSearchParams('__proto__=x&constructor=y');
    const obj = d.toObject();
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__', 'constructor']);
    expect(d.get('__proto__')).toBe('x');
  });

  it('fromSearchParams parses a raw query string', () => {
    const q = MultiDict.fromSearchParams('a=1&a=2&b');
    expect(q.getAll('a')).toEqual(['1', '2']);
    expect(q.get('b')).toBe('');
    expect(MultiDict.fromSearchParams('?x=1').get('x')).toBe('1');
    expect(MultiDict.fromSearchParams('').size).toBe(0);
  });
});

describe('parseQueryString (Werkzeug parse_qsl semantics)', () => {
  // Expected values are what Werkzeug 3.1's request.args gives for the same input.
  it.each([
    ['a=1&a=2&b', [['a', '1'], ['a', '2'], ['b', '']]],
    ['c+d=e+f', [['c d', 'e f']]],
    ['a=%zz&b=%2', [['a', '%zz'], ['b', '%2']]],
    ['b=%e9', [['b', '%E9']]],
    ['x=%C3%A9&y=%C3', [['x', 'é'], ['y', '%C3']]],
    ['x=%E2%82%41', [['x', '%E2%82A']]],
    ['k=%C3é%A9', [['k', '%C3é%A9']]],
    ['a=%F0%9F%98%80&b=%ED%A0%80', [['a', '😀'], ['b', '%ED%A0%80']]],
    ['a=1;b=2', [['a', '1;b=2']]],
    ['&&=&', [['', '']]],
    ['a==b', [['a', '=b']]],
    ['%', [['%', '']]],
    ['%41=%2B', [['A', '+']]],
  ])('%s', (query, expected) => {
    expect(parseQueryString(query)).toEqual(expected);
  });
});

describe('parseContentType', () => {
  it('splits mimetype and params, lower-casing names', () => {
    expect(parseContentType('Text/HTML; Charset=UTF-8')).toEqual({ mimetype: 'text/html', params: { charset: 'UTF-8' } });
  });

  it('unquotes quoted values with backslash or %22 escapes', () => {
    const { params } = parseContentType('multipart/form-data; boundary="a b;c"; x="q\\"q"; y="p%22p"');
    expect(params).toEqual({ boundary: 'a b;c', x: 'q"q', y: 'p"p' });
  });

  it('decodes RFC 2231 values in safe charsets only', () => {
    expect(parseContentType("a/b; name*=UTF-8''%E2%82%AC%20rates").params.name).toBe('€ rates');
    expect(parseContentType("a/b; name*=iso-8859-1'en'%A3").params.name).toBe('£');
    expect(parseContentType("a/b; name*=koi8-r''%C1").params.name).toBe("koi8-r''%C1");
  });

  it('skips invalid parts and handles missing headers', () => {
    expect(parseContentType(undefined)).toEqual({ mimetype: '', params: {} });
    expect(parseContentType('')).toEqual({ mimetype: '', params: {} });
    expect(parseContentType('text/plain')).toEqual({ mimetype: 'text/plain', params: {} });
    expect(parseContentType('a/b; novalue; k=v; "q"=1; u="open').params).toEqual({ k: 'v' });
  });
});

describe('secureFilename', () => {
  it.each([
    ['My cool movie.mov', 'My_cool_movie.mov'],
    ['../../../etc/passwd', 'etc_passwd'],
    ['i contain cool \u00fcml\u00e4uts.txt', 'i_contain_cool_umlauts.txt'],
    ['  ..hidden  ', 'hidden'],
    ['日本語.txt', 'txt'],
    ['a\tb\nc.txt', 'a_b_c.txt'],
    ['__init__.py', 'init__.py'],
    ['résumé (1).pdf', 'resume_1.pdf'],
    ['\u00a0x\u3000y', 'x_y'],
    ['', ''],
    ['../..', ''],
  ])('%j → %j', (input, expected) => {
    expect(secureFilename(input)).toBe(expected);
  });

  it('treats a backslash as a separator on every platform', () => {
    expect(secureFilename('C:\\Windows\\evil.ini')).toBe('C_Windows_evil.ini');
  });

  it('prefixes Windows device names', () => {
    expect(secureFilename('con.txt')).toBe('_con.txt');
    expect(secureFilename('LPT1')).toBe('_LPT1');
    expect(secureFilename('console.txt')).toBe('console.txt');
  });
});
