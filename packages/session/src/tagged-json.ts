/**
 * Flask's tagged JSON (`flask/json/tag.py`), the format inside session cookies.
 *
 * JS ↔ Python types:
 * | JS                                  | Python            | JSON                     |
 * | ----------------------------------- | ----------------- | ------------------------ |
 * | plain object, `Map<string, …>`      | `dict`            | object (` di` if needed) |
 * | `Array`                             | `list`            | array                    |
 * | `Tuple` (`tuple(...)`)              | `tuple`           | `{" t": [...]}`          |
 * | `Uint8Array` / `Buffer`             | `bytes`           | `{" b": "<base64>"}`     |
 * | anything with `__html__()` (Markup) | `Markup`          | `{" m": "<html>"}`       |
 * | `UUID`                              | `uuid.UUID`       | `{" u": "<32 hex>"}`     |
 * | `Date` (whole seconds kept)         | `datetime` (UTC)  | `{" d": "<HTTP date>"}`  |
 * | number / bigint                     | `int` / `float`   | see `json-number.ts`     |
 *
 * Reading gives back: plain objects, arrays, frozen `Tuple`s, `Buffer`s,
 * `Markup`, `UUID`, `Date` (or `null` for an unparsable date, as Flask).
 * Writing: compact separators, ASCII only (`\uXXXX`, surrogate pairs for
 * astral characters), keys sorted by code point unless `sortKeys: false`.
 * Object properties that are `undefined` are left out; `undefined` in an array
 * is written as `null`, as `JSON.stringify` does.
 */
import { Buffer } from 'node:buffer';
import { Markup } from '@micro/core';
import { BadPayload, SessionSerializationError } from './errors.js';
import { jsonNumber } from './json-number.js';
import { Tuple } from './tuple.js';
import { UUID } from './uuid.js';

export interface TaggedJSONOptions {
  /**
   * Sort object keys, as Flask does when it saves a session inside an app
   * (its JSON provider sets `sort_keys=True`). `false` keeps insertion order,
   * like `TaggedJSONSerializer` used outside an app. Default `true`.
   */
  sortKeys?: boolean;
}

/** The tag keys Flask registers by default; a one-key dict using one of these gets ` di`. */
const TAGS = new Set([' di', ' t', ' b', ' m', ' u', ' d']);

/** Serialise `value` exactly as Flask's `TaggedJSONSerializer.dumps` would. */
export function dumps(value: unknown, options?: TaggedJSONOptions): string {
  const w = new Writer(options?.sortKeys ?? true);
  try {
    const out = w.write(value);
    if (out === undefined) throw new Unserializable('undefined is not JSON-serialisable');
    return out;
  } catch (err) {
    if (err instanceof Unserializable) throw new SessionSerializationError(err.path(), err.message);
    throw err;
  }
}

/** Parse tagged JSON back into JS values. Throws only `BadPayload`. */
export function loads(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadPayload('The session payload is not valid JSON', { cause: err });
  }
  // Tags only ever appear as the first key of an object; skip the walk when there are none.
  if (!MAY_HAVE_TAG.test(text)) return value;
  return untag(value);
}

const MAY_HAVE_TAG = /\{\s*" /;

// ---------------------------------------------------------------------------
// Writing

/** Internal: carries the path back up the recursion, cheaply, only on failure. */
class Unserializable extends Error {
  readonly segments: (string | number)[] = [];

  path(): string {
    let out = '';
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i]!;
      out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
    }
    return out;
  }
}

// Characters Python's ensure_ascii JSON writes as-is inside a string.
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const NON_ASCII = /[\x7f-\uffff]/g;

function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  // JSON.stringify already escapes quotes, backslashes, control characters
  // (\b \f \n \r \t, else \u00XX) and lone surrogates the way Python does.
  return JSON.stringify(s).replace(NON_ASCII, escapeUnit);
}

function escapeUnit(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

const HAS_SURROGATE = /[\ud800-\udfff]/;

/** Python sorts keys by code point; JS's default sort uses UTF-16 units, which differs only around surrogates. */
function sortKeys(keys: string[]): string[] {
  keys.sort();
  if (keys.some((k) => HAS_SURROGATE.test(k))) keys.sort(byCodePoint);
  return keys;
}

function byCodePoint(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

class Writer {
  private readonly stack: object[] = [];

  constructor(private readonly sorted: boolean) {}

  /** The JSON text, or `undefined` for a value that is left out (undefined). */
  write(v: unknown): string | undefined {
    switch (typeof v) {
      case 'string':
        return quote(v);
      case 'number': {
        const s = jsonNumber(v);
        if (s === null) throw new Unserializable(`${v} is not a finite number`);
        return s;
      }
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'undefined':
        return undefined;
      case 'object':
        return v === null ? 'null' : this.writeObject(v);
      default:
        throw new Unserializable(`a ${typeof v} is not JSON-serialisable`);
    }
  }

  private writeObject(v: object): string {
    if (Array.isArray(v)) {
      const body = this.container(v, () => this.writeArray(v));
      return v instanceof Tuple ? `{" t":${body}}` : body;
    }
    if (v instanceof Uint8Array) return `{" b":"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"}`;
    if (typeof (v as { __html__?: unknown }).__html__ === 'function') {
      return `{" m":${quote(String((v as { __html__(): unknown }).__html__()))}}`;
    }
    if (v instanceof UUID) return `{" u":"${v.hex}"}`;
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) throw new Unserializable('an invalid Date cannot be stored');
      return `{" d":"${v.toUTCString()}"}`;
    }
    if (v instanceof String) return quote(v.valueOf());
    if (v instanceof Map) return this.container(v, () => this.writeMap(v));
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) return this.container(v, () => this.writeDict(v as Record<string, unknown>));
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new Unserializable(`instances of ${name} are not supported`);
  }

  private container(v: object, write: () => string): string {
    if (this.stack.includes(v)) throw new Unserializable('it contains a reference to itself (a cycle)');
    this.stack.push(v);
    const out = write();
    this.stack.pop();
    return out;
  }

  private writeArray(v: readonly unknown[]): string {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      let item: string | undefined;
      try {
        item = this.write(v[i]);
      } catch (err) {
        if (err instanceof Unserializable) err.segments.push(i);
        throw err;
      }
      out += (i === 0 ? '' : ',') + (item ?? 'null');
    }
    return out + ']';
  }

  private writeDict(v: Record<string, unknown>): string {
    let keys = Object.keys(v);
    if (keys.length === 1 && TAGS.has(keys[0]!)) return this.writeEscaped(keys[0]!, v[keys[0]!]);
    if (this.sorted && keys.length > 1) keys = sortKeys(keys);
    return this.writeEntries(keys, (k) => v[k]);
  }

  private writeMap(v: Map<unknown, unknown>): string {
    const keys: string[] = [];
    for (const k of v.keys()) {
      if (typeof k !== 'string') throw new Unserializable(`Map keys must be strings, got ${typeof k}`);
      keys.push(k);
    }
    if (keys.length === 1 && TAGS.has(keys[0]!)) return this.writeEscaped(keys[0]!, v.get(keys[0]!));
    if (this.sorted && keys.length > 1) sortKeys(keys);
    return this.writeEntries(keys, (k) => v.get(k));
  }

  /** Flask's ` di` tag: a one-key dict whose key looks like a tag gets `__` appended to the key. */
  private writeEscaped(key: string, value: unknown): string {
    const inner = this.writeEntries([key], () => value);
    if (inner === '{}') return inner; // the only value was undefined: an empty dict
    return `{" di":{${quote(key + '__')}${inner.slice(inner.indexOf(':'))}}`;
  }

  private writeEntries(keys: string[], get: (k: string) => unknown): string {
    let out = '{';
    let first = true;
    for (const k of keys) {
      let item: string | undefined;
      try {
        item = this.write(get(k));
      } catch (err) {
        if (err instanceof Unserializable) err.segments.push(k);
        throw err;
      }
      if (item === undefined) continue;
      out += (first ? '' : ',') + quote(k) + ':' + item;
      first = false;
    }
    return out + '}';
  }
}

// ---------------------------------------------------------------------------
// Reading

function untag(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untag(value[i]);
    return value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = untag(obj[k]);
  if (keys.length !== 1 || !TAGS.has(keys[0]!)) return obj;
  return toJS(keys[0]!, obj[keys[0]!]);
}

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toJS(tag: string, v: unknown): unknown {
  switch (tag) {
    case ' t':
      if (!Array.isArray(v)) throw new BadPayload('Tagged tuple is not a list');
      return Object.freeze(Tuple.from(v) as Tuple);
    case ' b':
      if (typeof v !== 'string' || !STD_BASE64.test(v)) throw new BadPayload('Tagged bytes are not base64');
      return Buffer.from(v, 'base64');
    case ' m':
      if (typeof v !== 'string') throw new BadPayload('Tagged markup is not a string');
      return new Markup(v);
    case ' u':
      if (typeof v !== 'string') throw new BadPayload('Tagged UUID is not a string');
      try {
        return new UUID(v);
      } catch (err) {
        throw new BadPayload('Tagged UUID is malformed', { cause: err });
      }
    case ' d':
      if (typeof v !== 'string') throw new BadPayload('Tagged date is not a string');
      return parseHttpDate(v);
    default: {
      // ' di': the inner dict's one key has "__" appended.
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadPayload('Tagged dict is not an object');
      const keys = Object.keys(v);
      if (keys.length === 0) throw new BadPayload('Tagged dict is empty');
      const k = keys[0]!;
      return { [k.slice(0, -2)]: (v as Record<string, unknown>)[k] };
    }
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Werkzeug's `parse_date`: a `Date`, or `null` when the text is not a date. */
function parseHttpDate(text: string): Date | null {
  const m = IMF_FIXDATE.exec(text);
  if (m) {
    const month = MONTHS.indexOf(m[2]!);
    if (month >= 0) {
      const d = new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])));
      if (Number(m[3]) < 100) d.setUTCFullYear(Number(m[3]));
      return d;
    }
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Helpers grouped like Flask's `TaggedJSONSerializer`. */
export const TaggedJSON = { dumps, loads } as const;
