/**
 * `app.config`: Flask's upper-case settings as plain properties. micro's own
 * keys are typed and checked; an app keeps any upper-case key of its own
 * (`DATABASE`, `UPLOAD_FOLDER`) without declaring it, as in Flask. Reads are
 * ordinary property reads (they sit on the request path); checking happens
 * once, in `validate()`, when the app starts.
 */

import { durationToSeconds } from './cookies.js';
import type { Duration } from './cookies.js';
import { ConfigError } from './config/config-error.js';
import { misspelledKey } from './config/misspelled-key.js';
import { isMapping, readConfigFile, type ConfigFileLoader, type FromFileOptions } from './config/read-config-file.js';
import { isUpperKey, upperAttributes } from './config/upper-keys.js';

export { ConfigError } from './config/config-error.js';
export type { ConfigFileLoader, FromFileOptions } from './config/read-config-file.js';

/**
 * Every setting: the keys micro defines, with their types, and any other
 * upper-case key, which is the app's own and typed `unknown` (read it back
 * with `config.get<T>(key)`). Another package adds typed keys by augmenting
 * this interface and calling `Config.defineKey`:
 *
 * ```ts
 * declare module '@micro/core' {
 *   interface ConfigValues { SESSION_TYPE: 'cookie' | 'redis' }
 * }
 * Config.defineKey('SESSION_TYPE', { default: 'cookie', check: ... });
 * ```
 */
export interface ConfigValues extends CoreConfigValues {
  /** A setting of the app's own (`DATABASE`, `UPLOAD_FOLDER`): any upper-case key, as in Flask. */
  [key: Uppercase<string>]: unknown;
}

/** The keys defined with a type (core's and those packages add), not an app's own. */
export type KnownConfigKey = keyof {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  [K in keyof ConfigValues as {} extends Record<K, unknown> ? never : K]: unknown;
};

/** The keys core defines itself; `ConfigValues` is these plus any added by other packages. */
export interface CoreConfigValues {
  /** Debug mode: detailed error pages, reloader. Default: `false`. */
  DEBUG: boolean;
  /** Testing mode: exceptions propagate to the test client. Default: `false`. */
  TESTING: boolean;
  /** Signs session cookies and other tokens. Default: `null` (sessions are read-only). */
  SECRET_KEY: string | Buffer | null;
  /** Older keys still accepted when verifying, newest first. Default: `[]`. */
  SECRET_KEY_FALLBACKS: (string | Buffer)[];
  /** Host (and port) the app serves, e.g. `example.com:8080`. Default: `null`. */
  SERVER_NAME: string | null;
  /** Path the app is mounted under. Default: `'/'`. */
  APPLICATION_ROOT: string;
  /** Scheme for external URLs built outside a request. Default: `'http'`. */
  PREFERRED_URL_SCHEME: string;
  /** Largest request body in bytes; `null` for no limit. Default: `null`. */
  MAX_CONTENT_LENGTH: number | null;
  /** Largest non-file form field in bytes. Default: `500_000`. */
  MAX_FORM_MEMORY_SIZE: number | null;
  /** Most fields plus files in a multipart form. Default: `1_000`. */
  MAX_FORM_PARTS: number | null;
  /** Name of the session cookie. Default: `'session'`. */
  SESSION_COOKIE_NAME: string;
  /** Domain of the session cookie; `null` for the current host only. Default: `null`. */
  SESSION_COOKIE_DOMAIN: string | null;
  /** Path of the session cookie; `null` means APPLICATION_ROOT. Default: `null`. */
  SESSION_COOKIE_PATH: string | null;
  /** Hide the session cookie from JavaScript. Default: `true`. */
  SESSION_COOKIE_HTTPONLY: boolean;
  /** Only send the session cookie over HTTPS. Default: `false`. */
  SESSION_COOKIE_SECURE: boolean;
  /** CHIPS partitioned session cookie (implies secure). Default: `false`. */
  SESSION_COOKIE_PARTITIONED: boolean;
  /** SameSite of the session cookie. Default: `'Lax'` (Flask: `None`). */
  SESSION_COOKIE_SAMESITE: 'Strict' | 'Lax' | 'None' | null;
  /** Lifetime of a permanent session in seconds. Default: 31 days (`2_678_400`). */
  PERMANENT_SESSION_LIFETIME: number;
  /** Re-send a permanent session cookie on every request. Default: `true`. */
  SESSION_REFRESH_EACH_REQUEST: boolean;
  /** Warn when a cookie header exceeds this many bytes; 0 disables. Default: `4093`. */
  MAX_COOKIE_SIZE: number;
  /** Re-raise errors instead of answering 500; `null` follows TESTING/DEBUG. Default: `null`. */
  PROPAGATE_EXCEPTIONS: boolean | null;
  /** Host names accepted in the Host header; `null` accepts any. Default: `null`. */
  TRUSTED_HOSTS: string[] | null;
  /**
   * Seconds a browser may cache files sent by `sendFile` and the static route
   * (`Cache-Control: public, max-age=N`); `null` sends `no-cache`, so
   * browsers revalidate with the ETag each time. Default: `null`.
   */
  SEND_FILE_MAX_AGE_DEFAULT: number | null;
  /** Pick up changed template files on the next render; `null` follows DEBUG. Default: `null`. */
  TEMPLATES_AUTO_RELOAD: boolean | null;
}

/** How an environment variable's text becomes a value. */
export type EnvParser = 'boolean' | 'integer' | 'number' | 'string' | 'json' | ((raw: string) => unknown);

export interface ConfigKeySpec {
  /** The value a new `Config` starts with. Arrays and objects are copied per instance. */
  default: unknown;
  /** Returns what was expected (e.g. `'a boolean'`) when `value` is wrong, else `null`. */
  check: (value: unknown) => string | null;
  /** How `fromEnv` reads the key. Default: inferred from `default` (JSON, else text, when `null`). */
  env?: EnvParser;
  /** Accepts `null` from the environment (`''` or `'null'`). Default: `default === null`. */
  nullable?: boolean;
  /** Never shown in errors or `toJSON()`. Default: `false`. */
  secret?: boolean;
  /** Turns an accepted alternative form into the canonical value (e.g. a duration into seconds). */
  normalize?: (value: unknown) => unknown;
}

export interface ConfigOptions {
  /** The folder `fromFile` resolves relative paths against. Default: `process.cwd()` when the config is created. */
  rootPath?: string;
}

export interface FromPrefixedEnvOptions {
  /** Turns a variable's text into its value; when it throws, the text itself is kept. Default: `JSON.parse`. */
  loads?: (text: string) => unknown;
  /** The variables to read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Where `validate()` sends its warnings; `app.logger` and `console` fit. */
export interface ConfigWarningLogger {
  warn(message: string): void;
}

const specs = new Map<string, ConfigKeySpec>();

const REDACTED = '[redacted]';
// Keys defined without `secret: true` are still hidden when they look secret.
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL/;
// Keys a package defines are plain ASCII; an app's own keys follow Flask's looser isupper().
const UPPER_KEY = /^[A-Z0-9_]*[A-Z][A-Z0-9_]*$/;

// Flask `config` semantics, written as Node declaration merging so every key is a typed property.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Config extends ConfigValues {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Config {
  // Private, so it is no key: toJSON() and validate() see settings only.
  #rootPath: string;

  /** Starts from every defined key's default, then applies `values` as `fromObject`. */
  constructor(values?: Partial<ConfigValues> | Record<string, unknown>, options: ConfigOptions = {}) {
    this.#rootPath = options.rootPath ?? process.cwd();
    for (const [key, spec] of specs) setOwn(this, key, copyDefault(spec.default));
    if (values) this.fromObject(values);
  }

  /**
   * The folder `fromFile` resolves relative paths against, as Flask's
   * `app.root_path`. Whoever creates the config may set it (an app module:
   * `app.config.rootPath = import.meta.dirname`). Default: `process.cwd()` at
   * the time the config was created. Not a setting, so not in `toJSON()`.
   */
  get rootPath(): string {
    return this.#rootPath;
  }
  set rootPath(value: string) {
    if (typeof value !== 'string' || value === '') throw new TypeError('config.rootPath must be a folder path');
    this.#rootPath = value;
  }

  /**
   * A setting by name, as Flask's `config.get(key, default)`: micro's own keys
   * with their types; an app's own key as `T` (`unknown` unless you say), or
   * `fallback` (default `undefined`) when the config does not have it.
   */
  get<K extends KnownConfigKey>(key: K): ConfigValues[K];
  get<T = unknown>(key: string): T | undefined;
  get<T>(key: string, fallback: T): T;
  get(key: string, fallback?: unknown): unknown {
    const self = this as unknown as Record<string, unknown>;
    if (Object.hasOwn(this, key)) return self[key];
    const spec = specs.get(key); // defined after this config was made
    if (spec) return (self[key] = copyDefault(spec.default));
    return fallback;
  }

  /**
   * Flask's `from_object`: copies the upper-case attributes of `source`, which
   * may be a plain object, a module namespace (`import * as settings`), a class
   * (its static fields, inherited ones too) or an instance of one (its fields
   * and its classes' getters). Lower-case names are ignored, so helpers can sit
   * beside settings. A `{ days, hours, minutes, seconds }` lifetime becomes
   * seconds. Returns the config, so calls chain.
   */
  fromObject(source: Partial<ConfigValues> | object): this {
    for (const [key, value] of upperAttributes(source)) assign(this, key, value);
    return this;
  }

  /**
   * Flask's `from_mapping`: copies the upper-case keys of `mapping` (an
   * object's own keys, or a `Map`) and then of `kwargs`, which win. Other keys
   * are ignored. Returns `true`, as Flask.
   */
  fromMapping(
    mapping?: Partial<ConfigValues> | Record<string, unknown> | ReadonlyMap<string, unknown> | null,
    kwargs?: Partial<ConfigValues> | Record<string, unknown>,
  ): true {
    const merged = new Map<string, unknown>();
    for (const source of [mapping, kwargs]) {
      if (source === undefined || source === null) continue;
      if (!isMapping(source)) throw new TypeError(`fromMapping() takes an object or a Map of settings; got ${typeName(source)}`);
      const entries = source instanceof Map ? source.entries() : Object.entries(source);
      for (const [key, value] of entries) merged.set(String(key), value);
    }
    for (const [key, value] of merged) if (isUpperKey(key)) assign(this, key, value);
    return true;
  }

  /**
   * Flask's `from_file`: reads `file` (a relative path starts at `rootPath`),
   * turns its content into settings with `load` (`JSON.parse` when none is
   * given, or a TOML or YAML parser's `parse`) and copies them as
   * `fromMapping`. The loader gets text, or a Buffer with `{ text: false }`,
   * and must be synchronous. A missing file throws an error naming its path
   * (its `code` is `ENOENT`), unless `{ silent: true }`: then nothing is read
   * and the result is `false`. Returns `true` when the file was loaded.
   */
  fromFile(file: string, options?: FromFileOptions): boolean;
  fromFile(file: string, load: (content: string) => unknown, options?: FromFileOptions & { text?: true }): boolean;
  fromFile(file: string, load: (content: Buffer) => unknown, options: FromFileOptions & { text: false }): boolean;
  fromFile(file: string, loadOrOptions?: ConfigFileLoader | FromFileOptions, options: FromFileOptions = {}): boolean {
    let load: ConfigFileLoader = JSON.parse;
    if (typeof loadOrOptions === 'function') load = loadOrOptions;
    else if (loadOrOptions) options = loadOrOptions;
    const loaded = readConfigFile(this.#rootPath, file, load, options);
    if (loaded === undefined) return false;
    return this.fromMapping(loaded as Record<string, unknown>);
  }

  /**
   * Flask's `from_prefixed_env`: every variable named `<prefix>_<KEY>`, in
   * sorted order, sets `KEY` (whatever its case) to `loads(text)`, or to the
   * text when `loads` throws. `MICRO_DEBUG=true` gives `true`, `MICRO_PORT=80`
   * the number 80, `MICRO_NAME=x` the text `'x'`. A double underscore reaches
   * into an object: `MICRO_DB__POOL_SIZE=5` sets `config.DB.POOL_SIZE`,
   * creating `DB` as `{}` when it is missing. Returns `true`, as Flask.
   *
   * Unlike `fromEnv`, values are not parsed by the key's type, so
   * `MICRO_DEBUG=1` gives the number 1, which `validate()` rejects.
   */
  fromPrefixedEnv(prefix = 'MICRO', { loads = JSON.parse, env = process.env }: FromPrefixedEnvOptions = {}): true {
    const start = `${prefix}_`;
    for (const name of Object.keys(env).sort()) {
      const text = env[name];
      if (!name.startsWith(start) || text === undefined) continue;
      let value: unknown = text;
      try {
        value = loads(text);
      } catch {
        // Flask keeps the value as a string when loading fails.
      }
      const [head, ...rest] = name.slice(start.length).split('__');
      if (head! in Config.prototype) {
        throw new ConfigError(
          `Environment variable ${name} would replace config.${head}; rename the variable.`,
          [name],
        );
      }
      if (rest.length === 0) {
        assign(this, head!, value);
        continue;
      }
      // Nested: walk (creating what is missing, as Flask) to the object holding the last part.
      const tail = rest.pop()!;
      let current = this as unknown as Record<string, unknown>;
      let path = 'config';
      for (const part of [head!, ...rest]) {
        if (!Object.hasOwn(current, part)) current[part] = {};
        const next = current[part];
        path += `.${part}`;
        if (typeof next !== 'object' || next === null || Array.isArray(next)) {
          throw new ConfigError(
            `Environment variable ${name} sets a key inside ${path}, which is ${typeName(next)}, not an object.`,
            [name],
          );
        }
        current = next as Record<string, unknown>;
      }
      current[tail] = value;
    }
    return true;
  }

  /**
   * Reads `<prefix><KEY>` variables for defined keys only, each parsed by its
   * key's type: booleans as true/false/1/0/yes/no/on/off, integers, JSON for
   * lists. Variables that name no defined key are ignored; `fromPrefixedEnv`
   * is the Flask way that takes them all.
   */
  fromEnv(prefix = 'MICRO_', env: NodeJS.ProcessEnv = process.env): this {
    for (const name of Object.keys(env).sort()) {
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length);
      const spec = specs.get(key);
      const raw = env[name];
      if (!spec || raw === undefined) continue;
      setOwn(this, key, parseEnv(name, key, raw, spec));
    }
    return this;
  }

  /**
   * Checks the defined keys: throws a `ConfigError` listing every ill-typed
   * value. Any other key is the app's own and is accepted, but one that is a
   * case difference or one edit away from a defined key (`SECRET_KYE`) is
   * probably a typo and is reported through `logger.warn`. Keys defined after
   * this config was created get their defaults here.
   */
  validate(logger: ConfigWarningLogger = console): void {
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) {
      if (specs.has(key)) continue;
      const meant = misspelledKey(key, specs.keys());
      if (meant === undefined) continue;
      logger.warn(
        `Config key ${key}: did you mean ${meant}? micro does not read ${key}; ` +
          `if it is a setting of your own, a name less like ${meant} silences this warning.`,
      );
    }
    const problems: string[] = [];
    const keys: string[] = [];
    for (const [key, spec] of specs) {
      if (!Object.hasOwn(this, key)) setOwn(this, key, copyDefault(spec.default));
      if (spec.normalize) self[key] = spec.normalize(self[key]);
      const expected = spec.check(self[key]);
      if (expected === null) continue;
      keys.push(key);
      problems.push(`Config key ${key} must be ${expected}; got ${describe(self[key], isSecret(key))}.`);
    }
    if (problems.length === 1) throw new ConfigError(problems[0]!, keys);
    if (problems.length > 1) throw new ConfigError(`Invalid config:\n  ${problems.join('\n  ')}`, keys);
  }

  /** Every key and value, with secrets replaced by `'[redacted]'`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) out[key] = isSecret(key) ? redact(value) : value;
    return out;
  }

  /** `console.log(app.config)` shows the redacted view, so logs never carry secrets. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }

  /**
   * Defines a key for a package: new configs start with its default,
   * `validate()` checks its type, `fromEnv` parses it, and the typo guard
   * knows it. Call it when your package loads, before the app is created. An
   * app's own keys need none of this.
   */
  static defineKey<K extends string>(key: K, spec: ConfigKeySpec): void {
    if (!UPPER_KEY.test(key)) throw new TypeError(`Config keys are UPPER_CASE; got ${JSON.stringify(key)}`);
    const error = spec.check(spec.default);
    if (error !== null) throw new TypeError(`Config.defineKey(${key}): the default must be ${error}`);
    specs.set(key, spec);
    Object.defineProperty(DEFAULT_CONFIG, key, {
      value: deepFreeze(copyDefault(spec.default)),
      enumerable: true,
      writable: false,
      configurable: true,
    });
  }

  /** True when `key` was defined, by core or with `defineKey`. */
  static hasKey(key: string): boolean {
    return specs.has(key);
  }
}

/** Core's defaults and those added by `defineKey`; every property is read-only. */
export const DEFAULT_CONFIG: Readonly<ConfigValues> = {} as ConfigValues;

// --- checks ---------------------------------------------------------------

const isBool = (v: unknown) => (typeof v === 'boolean' ? null : 'a boolean');
const nullOr = (inner: (v: unknown) => string | null) => (v: unknown) => {
  if (v === null) return null;
  const error = inner(v);
  return error === null ? null : `${error} or null`;
};
const isSize = (v: unknown) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : 'a non-negative integer';
const isKey = (v: unknown) =>
  typeof v === 'string' || v instanceof Uint8Array ? null : 'a string or Buffer';
const isText = (v: unknown) => (typeof v === 'string' ? null : 'a string');
const isPath = (v: unknown) => (typeof v === 'string' && v.startsWith('/') ? null : "a path starting with '/'");
const isHost = (v: unknown) =>
  typeof v === 'string' && /^[^\s/\\:@]+(:\d+)?$/.test(v)
    ? null
    : "a host name with an optional port, without a scheme (e.g. 'example.com:8080')";
const isScheme = (v: unknown) =>
  typeof v === 'string' && /^[a-z][a-z0-9+.-]*$/i.test(v) ? null : "a URL scheme such as 'https'";
const isCookieName = (v: unknown) =>
  typeof v === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z[\]]+$/.test(v) ? null : 'a cookie name (letters, digits, -_.)';
const isSameSite = (v: unknown) =>
  v === 'Strict' || v === 'Lax' || v === 'None' || v === null ? null : "'Strict', 'Lax', 'None' or null";
const isSeconds = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a number of seconds (or { days, hours, minutes, seconds })';
const arrayOf = (inner: (v: unknown) => string | null, what: string) => (v: unknown) =>
  Array.isArray(v) && v.every((item) => inner(item) === null) ? null : what;

function normalizeDuration(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const allowed = ['days', 'hours', 'minutes', 'seconds'];
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([k, v]) => allowed.includes(k) && typeof v === 'number')) return value;
  return durationToSeconds(value as Duration);
}

const CORE_KEYS: { [K in keyof CoreConfigValues]: ConfigKeySpec & { default: CoreConfigValues[K] } } = {
  DEBUG: { default: false, check: isBool },
  TESTING: { default: false, check: isBool },
  SECRET_KEY: { default: null, check: nullOr(isKey), env: 'string', secret: true },
  SECRET_KEY_FALLBACKS: {
    default: [],
    check: arrayOf(isKey, 'a list of strings or Buffers'),
    env: 'json',
    secret: true,
  },
  SERVER_NAME: { default: null, check: nullOr(isHost), env: 'string' },
  APPLICATION_ROOT: { default: '/', check: isPath },
  PREFERRED_URL_SCHEME: { default: 'http', check: isScheme },
  MAX_CONTENT_LENGTH: { default: null, check: nullOr(isSize), env: 'integer' },
  MAX_FORM_MEMORY_SIZE: { default: 500_000, check: nullOr(isSize), nullable: true }, // 500 kB
  MAX_FORM_PARTS: { default: 1_000, check: nullOr(isSize), nullable: true },
  SESSION_COOKIE_NAME: { default: 'session', check: isCookieName },
  SESSION_COOKIE_DOMAIN: { default: null, check: nullOr(isText), env: 'string' },
  SESSION_COOKIE_PATH: { default: null, check: nullOr(isPath), env: 'string' },
  SESSION_COOKIE_HTTPONLY: { default: true, check: isBool },
  SESSION_COOKIE_SECURE: { default: false, check: isBool },
  SESSION_COOKIE_PARTITIONED: { default: false, check: isBool },
  // Flask defaults to None; Lax blocks cross-site POSTs carrying the session at no cost to same-site apps.
  SESSION_COOKIE_SAMESITE: { default: 'Lax', check: isSameSite, env: 'string', nullable: true },
  PERMANENT_SESSION_LIFETIME: {
    default: 31 * 86_400, // 31 days, in seconds
    check: isSeconds,
    env: parseLifetime,
    normalize: normalizeDuration,
  },
  SESSION_REFRESH_EACH_REQUEST: { default: true, check: isBool },
  MAX_COOKIE_SIZE: { default: 4093, check: isSize }, // bytes
  PROPAGATE_EXCEPTIONS: { default: null, check: nullOr(isBool), env: 'boolean' },
  TRUSTED_HOSTS: { default: null, check: nullOr(arrayOf(isText, 'a list of host names')), env: 'json' },
  // Flask's default, None: revalidate every time, so a changed file shows at once.
  SEND_FILE_MAX_AGE_DEFAULT: { default: null, check: nullOr(isSeconds), env: parseLifetime, normalize: normalizeDuration },
  TEMPLATES_AUTO_RELOAD: { default: null, check: nullOr(isBool), env: 'boolean' },
};

for (const [key, spec] of Object.entries(CORE_KEYS)) Config.defineKey(key, spec);

// --- helpers --------------------------------------------------------------

function setOwn(target: object, key: string, value: unknown): void {
  (target as Record<string, unknown>)[key] = value;
}

function copyDefault(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyDefault);
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyDefault(v)]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function isSecret(key: string): boolean {
  return specs.get(key)?.secret === true || SECRET_NAME.test(key);
}

function redact(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (Array.isArray(value)) return value.map(() => REDACTED);
  return REDACTED;
}

function describe(value: unknown, secret: boolean): string {
  const type =
    value === null ? 'null' : Array.isArray(value) ? 'an array' : Buffer.isBuffer(value) ? 'a Buffer' : typeof value;
  if (secret) return type;
  let shown: string | undefined;
  try {
    shown = JSON.stringify(value);
  } catch {
    shown = undefined;
  }
  if (shown === undefined) return type;
  if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  return `${shown} (${type})`;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

function parseEnv(name: string, key: string, raw: string, spec: ConfigKeySpec): unknown {
  const nullable = spec.nullable ?? spec.default === null;
  const text = raw.trim();
  if (nullable && (text === '' || text.toLowerCase() === 'null')) return null;
  const parser = spec.env ?? inferParser(spec.default);
  try {
    if (typeof parser === 'function') return parser(raw);
    switch (parser) {
      case 'boolean': {
        const word = text.toLowerCase();
        if (TRUE_WORDS.has(word)) return true;
        if (FALSE_WORDS.has(word)) return false;
        throw new Error('a boolean (true/false, 1/0, yes/no, on/off)');
      }
      case 'integer':
        return parseNumber(text, true);
      case 'number':
        return parseNumber(text, false);
      case 'string':
        return raw;
      case 'json':
        try {
          return JSON.parse(raw);
        } catch {
          throw new Error('JSON (e.g. ["a", "b"])');
        }
    }
  } catch (error) {
    const what = error instanceof Error ? error.message : String(error);
    const shown = isSecret(key) ? 'an invalid value' : JSON.stringify(raw);
    throw new ConfigError(`Environment variable ${name} must be ${what}; got ${shown}.`, [name]);
  }
}

function inferParser(value: unknown): EnvParser {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (value === null) return (raw) => {
    try {
      return JSON.parse(raw);
    } catch {
      return raw; // as Flask's from_prefixed_env: not JSON, keep the text
    }
  };
  return 'json';
}

function parseLifetime(raw: string): unknown {
  const text = raw.trim();
  const what = 'a number of seconds or a JSON duration (e.g. {"days": 7})';
  if (!text.startsWith('{')) {
    if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(what);
    return Number(text);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(what);
  }
  return normalizeDuration(value);
}

function parseNumber(text: string, integer: boolean): number {
  const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const value = Number(text.replace(/_/g, ''));
  if (!pattern.test(text.replace(/_/g, '')) || !Number.isFinite(value)) {
    throw new Error(integer ? 'an integer' : 'a number');
  }
  return value;
}

/** Sets a key as the loaders do: a defined key's alternative form becomes its canonical value. */
function assign(config: Config, key: string, value: unknown): void {
  const normalize = specs.get(key)?.normalize;
  setOwn(config, key, normalize ? normalize(value) : value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
