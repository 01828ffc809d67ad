/**
 * Response headers: case-insensitive names that keep the spelling they were set
 * with, several values per name (Set-Cookie), and a fast path to node's
 * `writeHead(status, flatArray)`.
 */
export type HeadersInit =
  | HeaderMap
  | Record<string, string | number | readonly string[] | undefined>
  | Iterable<readonly [string, string]>;

const INVALID_VALUE = /[\r\n\0]/;

export class HeaderMap implements Iterable<[string, string]> {
  // lower-case name -> [name as set, values]
  private readonly map = new Map<string, [string, string[]]>();

  constructor(init?: HeadersInit) {
    if (init) this.extend(init);
  }

  /** Add headers from `init`, replacing same-named ones (Flask's `headers.update`). */
  extend(init: HeadersInit): this {
    if (init instanceof HeaderMap) {
      for (const [name, values] of init.map.values()) this.map.set(name.toLowerCase(), [name, [...values]]);
    } else if (isIterable(init)) {
      for (const [name, value] of init) this.append(name, value);
    } else {
      for (const name of Object.keys(init)) {
        const value = init[name];
        if (value === undefined) continue;
        if (Array.isArray(value)) {
          this.delete(name);
          for (const v of value as readonly string[]) this.append(name, v);
        } else {
          this.set(name, String(value));
        }
      }
    }
    return this;
  }

  get(name: string): string | null {
    const entry = this.map.get(name.toLowerCase());
    if (!entry) return null;
    const values = entry[1];
    return values.length === 1 ? values[0]! : values.join(', ');
  }

  getAll(name: string): string[] {
    return this.map.get(name.toLowerCase())?.[1].slice() ?? [];
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  set(name: string, value: string): this {
    checkHeader(name, value);
    this.map.set(name.toLowerCase(), [name, [value]]);
    return this;
  }

  append(name: string, value: string): this {
    checkHeader(name, value);
    const key = name.toLowerCase();
    const entry = this.map.get(key);
    if (entry) entry[1].push(value);
    else this.map.set(key, [name, [value]]);
    return this;
  }

  delete(name: string): boolean {
    return this.map.delete(name.toLowerCase());
  }

  /** Add `value` to a comma-separated header such as `Vary` unless present. */
  addToken(name: string, value: string): this {
    const current = this.get(name);
    if (!current) return this.set(name, value);
    if (current === value) return this; // the common repeat, e.g. Vary: Cookie added twice
    const tokens = current.split(',').map((t) => t.trim().toLowerCase());
    if (!tokens.includes(value.toLowerCase()) && !tokens.includes('*')) this.set(name, `${current}, ${value}`);
    return this;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [name, values] of this.map.values()) for (const v of values) yield [name, v];
  }

  entries(): IterableIterator<[string, string]> {
    return this[Symbol.iterator]();
  }

  /** `[name, value, name, value, …]` for `res.writeHead`. */
  toRawArray(): string[] {
    const out: string[] = [];
    for (const [name, values] of this.map.values()) for (const v of values) out.push(name, v);
    return out;
  }

  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, values] of this.map.values()) out[name] = values.join(', ');
    return out;
  }
}

function isIterable(value: object): value is Iterable<readonly [string, string]> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

// Names already checked; apps use a handful, so a name is scanned once, not per response.
const checkedNames = new Set<string>();

function checkHeader(name: string, value: string): void {
  // Header injection guard: CR/LF in a header would let a caller write new headers.
  if (typeof value !== 'string') throw new TypeError(`Header ${JSON.stringify(name)} must be a string, got ${typeof value}`);
  if (!checkedNames.has(name)) {
    if (INVALID_VALUE.test(name)) throw newlineError(name);
    if (checkedNames.size < 1000) checkedNames.add(name);
  }
  if (INVALID_VALUE.test(value)) throw newlineError(name);
}

function newlineError(name: string): TypeError {
  return new TypeError(`Header ${JSON.stringify(name)} contains a newline or NUL character, which is not allowed`);
}
