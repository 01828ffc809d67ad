/**
 * The session object: a dict-like store with Flask's flags (`modified`,
 * `accessed`, `permanent`, `isNew`) plus per-key change tracking, so stores can
 * save deltas, and automatic detection of changes inside nested values.
 *
 * Nested detection: `get` returns plain objects and arrays wrapped in a Proxy
 * (made on first access, cached) that marks the top-level key as changed on any
 * write. Primitives are returned as is, so flat reads cost nothing extra.
 * Frozen values (such as `Tuple`), Dates, Maps and class instances are not
 * wrapped: change those by setting the key again.
 */
import type { SessionData, SessionLike } from '@micro/core';
import { makeUserBinding, USER_BINDING_KEY, type BindUserDetails, type UserBinding } from './user-binding.js';

type Key<T> = keyof T & string;

export interface SessionOptions {
  /** True when no valid cookie or stored session came in. Default `true` when no data is given. */
  isNew?: boolean;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** Where Flask keeps the `permanent` flag inside the session data. */
export const PERMANENT_KEY = '_permanent';

export class Session<T extends object = SessionData> implements SessionLike<T> {
  /** True when the data changed (Flask's `modified`); a nested change counts too. */
  modified = false;
  /** True once the data was read or written; the response should then vary on `Cookie`. */
  accessed = false;
  readonly isNew: boolean;
  /**
   * When this session began, in whole Unix seconds, as SESSION_ABSOLUTE_LIFETIME
   * counts it: undefined while that key is off, or until the session is first
   * saved. Travels with the session but is not one of its keys.
   */
  createdAt: number | undefined = undefined;

  protected readonly data: Map<string, unknown>;
  // Made on the first change: most requests only read their session.
  private changed: Set<string> | undefined;
  private deleted: Set<string> | undefined;
  private proxies: WeakMap<object, object> | undefined;
  private targets: WeakMap<object, object> | undefined;

  constructor(initial?: Iterable<readonly [string, unknown]> | Record<string, unknown> | null, options: SessionOptions = {}) {
    this.data = initial == null ? new Map() : new Map(isIterable(initial) ? initial : Object.entries(initial));
    this.isNew = options.isNew ?? initial == null;
  }

  get<K extends Key<T>>(key: K): T[K] | undefined;
  get<K extends Key<T>>(key: K, defaultValue: NonNullable<T[K]>): NonNullable<T[K]>;
  get(key: string, defaultValue?: unknown): unknown;
  get(key: string, defaultValue?: unknown): unknown {
    this.accessed = true;
    const v = this.data.get(key);
    if (v === undefined) return this.data.has(key) ? v : defaultValue;
    return typeof v === 'object' && v !== null ? this.track(key, v) : v;
  }

  set<K extends Key<T>>(key: K, value: T[K]): this;
  set(key: string, value: unknown): this;
  set(key: string, value: unknown): this {
    this.data.set(key, this.unwrap(value));
    this.markChanged(key);
    return this;
  }

  has(key: string): boolean {
    this.accessed = true;
    return this.data.has(key);
  }

  /** Remove `key`; false (and no change) when it was not there. */
  delete(key: string): boolean {
    this.accessed = true;
    if (!this.data.delete(key)) return false;
    this.markDeleted(key);
    return true;
  }

  /** Remove `key` and return its value, or `defaultValue` when it was not there. */
  pop<K extends Key<T>>(key: K, defaultValue?: T[K]): T[K] | undefined;
  pop(key: string, defaultValue?: unknown): unknown;
  pop(key: string, defaultValue?: unknown): unknown {
    this.accessed = true;
    if (!this.data.has(key)) return defaultValue;
    const v = this.data.get(key);
    this.data.delete(key);
    this.markDeleted(key);
    return v;
  }

  /** The value of `key`, first storing `defaultValue` when it is missing. */
  setdefault<K extends Key<T>>(key: K, defaultValue: T[K]): T[K];
  setdefault(key: string, defaultValue: unknown): unknown;
  setdefault(key: string, defaultValue: unknown): unknown {
    if (!this.data.has(key)) this.set(key, defaultValue);
    return this.get(key);
  }

  clear(): void {
    for (const key of this.data.keys()) this.markDeleted(key);
    this.data.clear();
    // Flask marks a cleared session modified even when it was empty.
    this.modified = true;
    this.accessed = true;
  }

  /**
   * Call on login or any change of privilege. Server-side sessions get a new
   * id (the old record is deleted); a cookie session has no id, so it only
   * re-issues its cookie.
   */
  regenerate(): void {
    this.createdAt = undefined; // a login starts a new session: SESSION_ABSOLUTE_LIFETIME counts from here
    this.modified = true;
    this.accessed = true;
  }

  /** Log out: forget everything; the cookie (and any stored record) is deleted on save. */
  destroy(): void {
    this.clear();
    this.createdAt = undefined;
  }

  /**
   * Record that this session belongs to `userId` (call it on login, with
   * `regenerate()`). Server-side sessions are then listed and revocable per
   * user; cookie sessions are checked against SESSION_VALID_AFTER. Returns
   * what was stored (its `at` is the bind time). See user-binding.ts.
   */
  bindUser(userId: string | number, details: BindUserDetails = {}): UserBinding {
    const binding = makeUserBinding(userId, details, Date.now());
    this.set(USER_BINDING_KEY, binding);
    return { ...binding };
  }

  keys(): IterableIterator<string> {
    this.accessed = true;
    return this.data.keys();
  }

  *values(): IterableIterator<unknown> {
    for (const [, v] of this.entries()) yield v;
  }

  *entries(): IterableIterator<[string, unknown]> {
    this.accessed = true;
    for (const [k, v] of this.data) yield [k, typeof v === 'object' && v !== null ? this.track(k, v) : v];
  }

  [Symbol.iterator](): IterableIterator<[string, unknown]> {
    return this.entries();
  }

  get size(): number {
    this.accessed = true;
    return this.data.size;
  }

  /** Kept for `PERMANENT_SESSION_LIFETIME`; stored under `_permanent`, as Flask does. */
  get permanent(): boolean {
    return Boolean(this.get(PERMANENT_KEY, false));
  }

  set permanent(value: boolean) {
    this.set(PERMANENT_KEY, Boolean(value));
  }

  /** Top-level keys set (or changed inside) since the session was loaded. */
  changedKeys(): ReadonlySet<string> {
    return this.changed ?? NO_KEYS;
  }

  /** Top-level keys removed since the session was loaded (and not set again). */
  deletedKeys(): ReadonlySet<string> {
    return this.deleted ?? NO_KEYS;
  }

  /**
   * The raw data, for serialisers and stores: values as stored, no Proxies,
   * no `accessed` flag. Do not mutate it.
   */
  toMap(): ReadonlyMap<string, unknown> {
    return this.data;
  }

  /** A shallow plain-object copy of the data. */
  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.data);
  }

  private markChanged(key: string): void {
    (this.changed ??= new Set()).add(key);
    this.deleted?.delete(key);
    this.modified = true;
    this.accessed = true;
  }

  private markDeleted(key: string): void {
    this.changed?.delete(key);
    (this.deleted ??= new Set()).add(key);
    this.modified = true;
    this.accessed = true;
  }

  /** A Proxy that reports writes anywhere inside `value` as a change of `key`. */
  private track(key: string, value: object): unknown {
    if (!isTrackable(value)) return value;
    this.proxies ??= new WeakMap();
    let proxy = this.proxies.get(value);
    if (proxy === undefined) {
      proxy = new Proxy(value, this.handler(key));
      this.proxies.set(value, proxy);
      (this.targets ??= new WeakMap()).set(proxy, value);
    }
    return proxy;
  }

  private handler(key: string): ProxyHandler<object> {
    // The top-level key still holding this value is the one that changed.
    const changed = (): void => {
      if (this.data.has(key)) this.markChanged(key);
    };
    return {
      get: (target, prop, receiver) => {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'object' || v === null) return v;
        // A Proxy must return a read-only, non-configurable property's exact value.
        const d = Object.getOwnPropertyDescriptor(target, prop);
        return d !== undefined && !d.configurable && !d.writable ? v : this.track(key, v);
      },
      set: (target, prop, v, receiver) => {
        const ok = Reflect.set(target, prop, this.unwrap(v), receiver === this.proxies?.get(target) ? target : receiver);
        if (ok) changed();
        return ok;
      },
      deleteProperty: (target, prop) => {
        const had = Object.prototype.hasOwnProperty.call(target, prop);
        const ok = Reflect.deleteProperty(target, prop);
        if (ok && had) changed();
        return ok;
      },
      defineProperty: (target, prop, descriptor) => {
        const ok = Reflect.defineProperty(target, prop, descriptor);
        if (ok) changed();
        return ok;
      },
      setPrototypeOf: (target, proto) => {
        const ok = Reflect.setPrototypeOf(target, proto);
        if (ok) changed();
        return ok;
      },
    };
  }

  /** Store the object, not our Proxy of it, when a tracked value is set elsewhere. */
  private unwrap(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || this.targets === undefined) return value;
    return this.targets.get(value) ?? value;
  }
}

function isIterable(x: object): x is Iterable<readonly [string, unknown]> {
  return typeof (x as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/** Plain objects and arrays that can change; the rest is returned unwrapped. */
function isTrackable(v: object): boolean {
  if (Object.isFrozen(v)) return false;
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
