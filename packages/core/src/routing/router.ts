import { MethodNotAllowed, NotFound, RequestRedirect } from '../errors.js';
import type { HTTPException } from '../errors.js';
import { BuildError } from './build-error.js';
import type { RefusedValue } from './build-error.js';
import { parseConverterArgs, NO_ARGS } from './converter-args.js';
import type { Converter, ConverterFactory } from './converter.js';
import { DEFAULT_CONVERTERS } from './converters.js';
import { Rule } from './rule.js';
import type { RuleOptions } from './rule.js';
import { SLASH_REQUIRED, StateMachine } from './state-machine.js';
import type { WalkRecord } from './state-machine.js';
import { quotePath } from './url-quote.js';

/** The rule a request matched and its converted values (defaults merged in). */
export interface RouteMatch {
  readonly rule: Rule;
  /** A fresh object per match: hooks may change it before the view runs. */
  readonly params: Record<string, unknown>;
}

/** What `match` did for one request; for tests and debugging, not for serving. */
export interface MatchTrace {
  /** Rules whose pattern reached the end of the path, in the order they were tried. */
  readonly candidates: readonly Rule[];
  /** Dynamic parts tested: each runs at most one regex plus its converters. */
  readonly partTests: number;
  /** What `match` returned, or the error it threw (NotFound, MethodNotAllowed, RequestRedirect). */
  readonly result: RouteMatch | HTTPException;
}

export interface RouterOptions {
  /** Converters added to (or replacing) the built-in ones, by name. */
  converters?: Record<string, ConverterFactory>;
}

export interface BuildOptions {
  /** Build the rule for this method (when an endpoint has rules per method). Default: GET first, then any. */
  method?: string;
}

export { Rule };
export type { RuleOptions };

const NO_VALUES: readonly unknown[] = [];

/**
 * Flask/Werkzeug URL routing: rules such as `/user/<int:id>` map a method and
 * path to an endpoint, and `build` turns an endpoint and values back into a
 * URL. Fully static paths are one Map lookup; the rest walk a state machine.
 */
export class Router {
  /** Registered converters by name; add your own before adding rules that use them. */
  readonly converters: Map<string, ConverterFactory>;
  readonly #rules: Rule[] = [];
  // Rules without placeholders by exact path, in registration order: the fast path.
  readonly #static = new Map<string, Rule[]>();
  readonly #machine = new StateMachine();
  // Rules per endpoint in Werkzeug's build order (more arguments, then more defaults, first).
  readonly #byEndpoint = new Map<string, Rule[]>();
  // Endpoints with a rule that has defaults: only their matches check for a canonical redirect.
  readonly #defaultEndpoints = new Set<string>();
  #tracing: WalkRecord | null = null;

  constructor(options: RouterOptions = {}) {
    this.converters = new Map(Object.entries({ ...DEFAULT_CONVERTERS, ...options.converters }));
  }

  /** Every rule, in registration order. */
  get rules(): readonly Rule[] {
    return this.#rules;
  }

  /** Add a rule such as `/post/<int:id>`; throws on a malformed rule or unknown converter. */
  add(rule: string, options: RuleOptions): Rule {
    const added = new Rule(rule, options, (name, args, variable) => this.#converter(rule, name, args, variable));
    this.#rules.push(added);
    this.#machine.add(added);
    if (added.variables.length === 0) {
      const path = rule.replace(/\/{2,}/g, '/');
      const list = this.#static.get(path);
      if (list === undefined) this.#static.set(path, [added]);
      else list.push(added);
    }
    const list = this.#byEndpoint.get(added.endpoint);
    if (list === undefined) this.#byEndpoint.set(added.endpoint, [added]);
    else {
      list.push(added);
      // Stable sort, as Werkzeug's build_compare_key.
      list.sort((a, b) => b.arguments.size - a.arguments.size || Object.keys(b.defaults).length - Object.keys(a.defaults).length);
    }
    if (added.hasDefaults) this.#defaultEndpoints.add(added.endpoint);
    return added;
  }

  /**
   * The rule for `method` and `path` (already percent-decoded, no query
   * string). Throws `NotFound`, `MethodNotAllowed` (with `Allow`), or
   * `RequestRedirect` for a missing trailing slash, merged slashes or a
   * canonical URL given by defaults; its location is a path: add the query.
   */
  match(method: string, path: string): RouteMatch {
    const list = this.#static.get(path);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const rule = list[i]!;
        if (this.#tracing !== null) this.#tracing.tried!.push(rule);
        if (rule.methods.has(method)) return this.#result(rule, NO_VALUES, method);
      }
    }
    return this.#matchWalk(isUpperCase(method) ? method : method.toUpperCase(), path);
  }

  /** Methods some rule allows for `path`, sorted; empty when nothing matches the path. */
  allowedMethods(path: string): string[] {
    try {
      // No rule allows '--', so the walk visits every rule matching the path.
      this.#matchWalk('--', path);
    } catch (error) {
      if (error instanceof MethodNotAllowed) return error.allowed;
    }
    return [];
  }

  /**
   * The URL path for `endpoint`; values that no placeholder or default uses
   * go to the query string (`?a=1&b=2`, arrays repeated). `null`/`undefined`
   * values are dropped. No anchor: the caller adds `#...`.
   */
  build(endpoint: string, values: Readonly<Record<string, unknown>> = {}, options: BuildOptions = {}): string {
    const given: Record<string, unknown> = {};
    for (const key in values) {
      const value = values[key];
      if (value !== null && value !== undefined) given[key] = value;
    }
    const method = options.method?.toUpperCase();
    const rules = this.#byEndpoint.get(endpoint);
    let refused: RefusedValue | undefined;
    if (rules !== undefined) {
      // Like Werkzeug: without a method, prefer rules that answer GET.
      for (const m of method === undefined ? ['GET', undefined] : [method]) {
        for (const rule of rules) {
          if (!rule.suitableFor(given, m)) continue;
          const built = rule.build(given);
          if (typeof built === 'string') return built;
          refused ??= { rule, name: built.name, reason: built.reason };
        }
      }
    }
    throw new BuildError(endpoint, given, method, this.#rules, refused);
  }

  /** Run `match` and report what it tried: shows that a path only tests a few rules. */
  trace(method: string, path: string): MatchTrace {
    const record: WalkRecord = { allowed: null, tried: [], partTests: 0 };
    const outer = this.#tracing;
    this.#tracing = record;
    let result: RouteMatch | HTTPException;
    try {
      result = this.match(method, path);
    } catch (error) {
      if (!(error instanceof NotFound || error instanceof MethodNotAllowed || error instanceof RequestRedirect)) throw error;
      result = error;
    } finally {
      this.#tracing = outer;
    }
    return { candidates: record.tried!, partTests: record.partTests, result };
  }

  /** The rules `match` tried for `path` (see `trace`). */
  candidates(path: string, method = 'GET'): readonly Rule[] {
    return this.trace(method, path).candidates;
  }

  #matchWalk(method: string, path: string): RouteMatch {
    // As Werkzeug: leading slashes collapse, an empty path is the root.
    if (path.charCodeAt(0) !== 47 || path.charCodeAt(1) === 47) path = '/' + path.replace(/^\/+/, '');
    const record: WalkRecord = this.#tracing ?? { allowed: null, tried: null, partTests: 0 };
    const values: unknown[] = [];
    let rule = this.#walk(path, method, values, record);
    if (rule === null && path.includes('//')) {
      // Werkzeug's merge_slashes: `/a//b` redirects to `/a/b` when that matches.
      const merged = path.replace(/\/{2,}/g, '/');
      values.length = 0;
      rule = this.#walk(merged, method, values, record);
      if (rule !== null) throw new RequestRedirect(quotePath(merged));
    }
    if (rule === null) {
      if (record.allowed !== null) throw new MethodNotAllowed([...record.allowed].sort());
      throw new NotFound();
    }
    return this.#result(rule, values, method);
  }

  #walk(path: string, method: string, values: unknown[], record: WalkRecord): Rule | null {
    try {
      return this.#machine.match(splitPath(path), method, values, record);
    } catch (error) {
      if (error === SLASH_REQUIRED) throw new RequestRedirect(quotePath(path + '/'));
      throw error;
    }
  }

  #result(rule: Rule, values: readonly unknown[], method: string): RouteMatch {
    const params: Record<string, unknown> = {};
    const names = rule.variables;
    for (let i = 0; i < names.length; i++) params[names[i]!] = values[i];
    if (rule.hasDefaults) Object.assign(params, rule.defaults);
    if (this.#defaultEndpoints.has(rule.endpoint)) this.#redirectToDefaults(rule, params, method);
    return { rule, params };
  }

  /**
   * Werkzeug's redirect_defaults: with `/all/` (defaults `{page: 1}`) and
   * `/all/page/<int:page>` on one endpoint, `/all/page/1` redirects to `/all/`
   * so each page has one canonical URL.
   */
  #redirectToDefaults(rule: Rule, params: Record<string, unknown>, method: string): void {
    for (const other of this.#byEndpoint.get(rule.endpoint)!) {
      // Rules ordered after the matched one have lower priority.
      if (other === rule) return;
      if (!other.hasDefaults || !sameKeys(other.arguments, rule.arguments)) continue;
      if (!other.suitableFor(params, method)) continue;
      const built = other.build({ ...params, ...other.defaults });
      if (typeof built === 'string') throw new RequestRedirect(built);
    }
  }

  #converter(rule: string, name: string, args: string | undefined, variable: string): Converter {
    const factory = this.converters.get(name);
    if (factory === undefined) {
      const known = [...this.converters.keys()].join(', ');
      throw new TypeError(`URL rule '${rule}': the converter '${name}' for '${variable}' does not exist (known: ${known}).`);
    }
    if (typeof factory === 'function') return new factory(args === undefined ? NO_ARGS : parseConverterArgs(args));
    if (args !== undefined && args.trim() !== '') {
      throw new TypeError(`URL rule '${rule}': the converter '${name}' is an object and takes no arguments; register a class to accept '(${args})'.`);
    }
    return factory;
  }
}

// Request methods arrive upper-case; checking is cheaper than converting.
function isUpperCase(method: string): boolean {
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

/** `/a/b/` → `['a', 'b', '']`; faster than `slice(1).split('/')` on fresh strings. */
function splitPath(path: string): string[] {
  const parts: string[] = [];
  let start = 1;
  for (;;) {
    const slash = path.indexOf('/', start);
    if (slash === -1) {
      parts.push(path.slice(start));
      return parts;
    }
    parts.push(path.slice(start, slash));
    start = slash + 1;
  }
}

function sameKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a) if (!b.has(k)) return false;
  return true;
}
