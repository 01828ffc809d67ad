import { readFileSync } from 'node:fs';
import { Markup } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { BadPayload, SessionSerializationError } from '../src/errors.js';
import { jsonNumber } from '../src/json-number.js';
import { dumps, loads } from '../src/tagged-json.js';
import { Tuple, tuple } from '../src/tuple.js';
import { UUID } from '../src/uuid.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
const tagged = fixture<{ cases: { name: string; sorted: string; unsorted: string }[] }>('tagged-json.json').cases;
const floats = fixture<{ cases: { repr: string; json: string }[] }>('python-floats.json').cases;

describe('tagged JSON against Flask', () => {
  it.each(tagged.map((c) => [c.name, c] as const))('round-trips %s to the identical sorted string', (_n, c) => {
    expect(dumps(loads(c.sorted))).toBe(c.sorted);
  });

  // JS objects put integer-like keys first, so their insertion order cannot be kept.
  it.each(tagged.filter((c) => c.name !== 'unsorted-keys').map((c) => [c.name, c] as const))(
    'keeps insertion order for %s with sortKeys: false',
    (_n, c) => {
      expect(dumps(loads(c.unsorted), { sortKeys: false })).toBe(c.unsorted);
    },
  );

  it('writes JS-built values exactly as Flask', () => {
    const byName = new Map(tagged.map((c) => [c.name, c.sorted]));
    expect(dumps({ point: tuple(1, 2, 3), empty: tuple() })).toBe(byName.get('tuple'));
    expect(dumps({ raw: Buffer.from('\x00\x01binary\xff', 'latin1'), empty: new Uint8Array() })).toBe(byName.get('bytes'));
    expect(dumps({ html: new Markup('<b>bold</b> &amp;') })).toBe(byName.get('markup'));
    expect(dumps({ id: new UUID('12345678-1234-5678-1234-567812345678') })).toBe(byName.get('uuid'));
    expect(dumps({ when: new Date(Date.UTC(2026, 10, 23, 12, 30, 45)) })).toBe(byName.get('datetime'));
    expect(dumps({ x: { ' t': 'looks like a tag' }, y: { ' di': { ' b': 1 } } })).toBe(byName.get('di-escape'));
    expect(dumps({ name: '张三 éè 😀', del: '\x7f', ctl: '\x00\x1f\t\n\r\b\f', q: '"\\/' })).toBe(byName.get('non-ascii'));
    expect(dumps({ _flashes: [tuple('message', 'hi'), tuple('error', 'bad')] })).toBe(byName.get('nested-tuples'));
    expect(dumps(new Map<string, unknown>([['user', 'ann'], ['id', 7], ['ok', true], ['none', null]]))).toBe(byName.get('flat'));
  });

  it('reads tags into the documented JS types', () => {
    const v = loads(tagged.find((c) => c.name === 'nested')!.sorted) as { a: { b: unknown[] }[] };
    const t = v.a[0]!.b[2] as { c: Tuple };
    expect(t.c).toBeInstanceOf(Tuple);
    expect(Object.isFrozen(t.c)).toBe(true);
    expect(Buffer.isBuffer(t.c[1])).toBe(true);
    expect((t.c[1] as Buffer).toString()).toBe('x');
    const all = loads(tagged.find((c) => c.name === 'uuid')!.sorted) as { id: UUID };
    expect(all.id.toString()).toBe('12345678-1234-5678-1234-567812345678');
    const d = loads(tagged.find((c) => c.name === 'datetime')!.sorted) as { when: Date };
    expect(d.when.toISOString()).toBe('2026-11-23T12:30:45.000Z');
    const m = loads(tagged.find((c) => c.name === 'markup')!.sorted) as { html: Markup };
    expect(m.html).toBeInstanceOf(Markup);
    expect(String(m.html)).toBe('<b>bold</b> &amp;');
    expect(loads('{"x":{" di":{" t__":"a"}}}')).toEqual({ x: { ' t': 'a' } });
    expect(loads('{"w":{" d":"not a date"}}')).toEqual({ w: null });
  });

  it.each(floats.map((c) => [c.repr, c.json] as const))('writes %s as Python does', (repr, json) => {
    expect(jsonNumber(Number(repr))).toBe(json);
  });

  it('maps integers and bigints to Python ints', () => {
    expect(dumps({ a: 1, b: -7, c: 2 ** 53 - 1, d: 2n ** 64n })).toBe('{"a":1,"b":-7,"c":9007199254740991,"d":18446744073709551616}');
  });

  it('sorts keys by code point, as Python', () => {
    expect(dumps({ '\uffff': 1, '😀': 2, a: 3 })).toBe('{"a":3,"\\uffff":1,"\\ud83d\\ude00":2}');
  });

  it('drops undefined properties and writes undefined array items as null', () => {
    expect(dumps({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('names the key of a value it cannot store', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ fn: () => 1 }, /"fn".*function/],
      [{ cart: { items: [1, Symbol('x')] } }, /"cart\.items\[1\]".*symbol/],
      [{ loop: cyclic }, /"loop\.self".*cycle/],
      [{ n: Number.NaN }, /"n".*finite/],
      [{ when: new Date(Number.NaN) }, /"when".*invalid Date/],
      [{ set: new Set([1]) }, /"set".*Set/],
    ];
    for (const [value, message] of cases) {
      expect(() => dumps(value)).toThrow(SessionSerializationError);
      expect(() => dumps(value)).toThrow(message);
    }
  });

  it('rejects malformed tags with BadPayload only', () => {
    for (const bad of ['{"x":{" t":1}}', '{"x":{" b":"!!"}}', '{"x":{" u":"nope"}}', '{"x":{" m":1}}', '{"x":{" di":[]}}', '{"x":', 'NaN']) {
      expect(() => loads(bad)).toThrow(BadPayload);
    }
  });

  it('keeps __proto__ as an ordinary key', () => {
    const v = loads('{"x":{" di":{"__proto____":{"polluted":true}}}}') as { x: Record<string, unknown> };
    expect(Object.getPrototypeOf(v.x)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
