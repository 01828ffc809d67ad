import { parseQueryString } from './parse-query-string.js';

/**
 * Werkzeug's MultiDict, JS-flavoured: a key may hold several values, kept in
 * the order they arrived. The plain accessors (`get`, `values`, `toObject`)
 * see the first value per key; `getAll` and `entries` see every value.
 */
export class MultiDict<V> implements Iterable<[string, V]> {
  // One array per key; Map keeps keys in first-insertion order.
  readonly #map = new Map<string, V[]>();
  // Every pair in arrival order, so `entries()` interleaves keys as sent.
  readonly #pairs: Array<[string, V]> = [];

  constructor(entries?: Iterable<readonly [string, V]>) {
    if (entries) for (const [key, value] of entries) this.append(key, value);
  }

  /** Parse a raw query string (`a=1&a=2&b`) as Werkzeug parses `request.args`. */
  static fromSearchParams(query: string): MultiDict<string> {
    return new MultiDict(parseQueryString(query.startsWith('?') ? query.slice(1) : query));
  }

  /** The first value for `key`, else `defaultValue` (or `undefined`). */
  get(key: string): V | undefined;
  get(key: string, defaultValue: V): V;
  get(key: string, defaultValue?: V): V | undefined {
    const list = this.#map.get(key);
    return list ? list[0] : defaultValue;
  }

  /** Every value for `key`, in order; an empty array when absent. */
  getAll(key: string): V[] {
    return [...(this.#map.get(key) ?? [])];
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  append(key: string, value: V): void {
    const list = this.#map.get(key);
    if (list) list.push(value);
    else this.#map.set(key, [value]);
    this.#pairs.push([key, value]);
  }

  /** Unique keys, in first-insertion order. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** Every `[key, value]` pair, in arrival order. */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, value] of this.#pairs) yield [key, value];
  }

  /** The first value of each key. */
  *values(): IterableIterator<V> {
    for (const list of this.#map.values()) yield list[0]!;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** Number of unique keys. */
  get size(): number {
    return this.#map.size;
  }

  /** `{ key: firstValue }`. */
  toObject(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [key, list] of this.#map) defineValue(out, key, list[0]!);
    return out;
  }

  /** `{ key: value }`, or `{ key: [v1, v2] }` for repeated keys. */
  toJSON(): Record<string, V | V[]> {
    const out: Record<string, V | V[]> = {};
    for (const [key, list] of this.#map) defineValue(out, key, list.length === 1 ? list[0]! : [...list]);
    return out;
  }

  get [Symbol.toStringTag](): string {
    return 'MultiDict';
  }
}

// Keys come from clients: `__proto__` must become an own property, not a prototype.
function defineValue<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
