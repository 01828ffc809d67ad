import type { Converter } from './converter.js';
import { parseRule } from './rule-parser.js';
import type { ConverterLookup, TraceItem } from './rule-parser.js';
import type { RulePart } from './rule-part.js';
import { encodeQuery, quotePath } from './url-quote.js';
import { ValidationError } from './validation-error.js';

/** What `Router.add` (and `app.route`) accept besides the rule string. */
export interface RuleOptions {
  /** Name used by `urlFor`/`build`. */
  endpoint: string;
  /** HTTP methods; HEAD is added when GET is there. Default: `['GET']`. */
  methods?: Iterable<string>;
  /** Redirect `/docs` to `/docs/` when the rule ends in a slash, and 404 `/docs/` for `/docs`. Default: true. */
  strictSlashes?: boolean;
  /** Values merged into the params on match; also makes this rule the canonical URL for them. Default: `{}`. */
  defaults?: Record<string, unknown>;
  /** Answer OPTIONS automatically. Default: true, unless `methods` lists OPTIONS. */
  provideAutomaticOptions?: boolean;
}

/** Why a rule could not build a URL from the given values. */
export type BuildRefusal = { readonly name: string; readonly reason: string };

/** One URL rule: its pattern, endpoint, methods and how to match and build it. */
export class Rule {
  readonly rule: string;
  readonly endpoint: string;
  readonly methods: ReadonlySet<string>;
  readonly strictSlashes: boolean;
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Placeholder names plus default keys: what `build` consumes rather than putting in the query. */
  readonly arguments: ReadonlySet<string>;
  readonly provideAutomaticOptions: boolean;
  /** The converter of each placeholder, in rule order. */
  readonly converters: ReadonlyMap<string, Converter>;
  /** @internal Parts for the matcher. */
  readonly parts: readonly RulePart[];
  /** @internal Placeholder names in the order their values are matched. */
  readonly variables: readonly string[];
  /** @internal True when `defaults` has any key; keeps `match` from touching an empty object. */
  readonly hasDefaults: boolean;
  readonly #trace: readonly TraceItem[];

  constructor(rule: string, options: RuleOptions, lookup: ConverterLookup) {
    if (typeof options.endpoint !== 'string' || options.endpoint === '') {
      throw new TypeError(`URL rule '${rule}' needs an endpoint name.`);
    }
    const parsed = parseRule(rule, lookup);
    this.rule = rule;
    this.endpoint = options.endpoint;
    this.parts = parsed.parts;
    this.#trace = parsed.trace;
    this.converters = parsed.converters;
    this.variables = [...parsed.converters.keys()];
    this.strictSlashes = options.strictSlashes ?? true;
    this.defaults = Object.freeze({ ...options.defaults });
    this.hasDefaults = Object.keys(this.defaults).length > 0;
    this.arguments = new Set([...this.variables, ...Object.keys(this.defaults)]);

    if (typeof options.methods === 'string') {
      throw new TypeError(`'methods' should be a list of strings, e.g. ['${options.methods}'], not a string.`);
    }
    const methods = new Set<string>();
    for (const m of options.methods ?? ['GET']) methods.add(m.toUpperCase());
    if (methods.has('GET')) methods.add('HEAD');
    // As Flask: listing OPTIONS yourself means you answer it.
    this.provideAutomaticOptions = options.provideAutomaticOptions ?? !methods.has('OPTIONS');
    if (this.provideAutomaticOptions) methods.add('OPTIONS');
    this.methods = methods;
  }

  /**
   * Can this rule build a URL from `values` (Werkzeug's `suitable_for`): the
   * method fits, every argument has a value or default, and values given for
   * defaulted keys equal the default.
   */
  suitableFor(values: Readonly<Record<string, unknown>>, method: string | undefined): boolean {
    if (method !== undefined && !this.methods.has(method)) return false;
    for (const key of this.arguments) {
      if (!(key in this.defaults) && !(key in values)) return false;
    }
    if (this.hasDefaults) {
      for (const key in this.defaults) {
        if (key in values && values[key] !== this.defaults[key]) return false;
      }
    }
    return true;
  }

  /**
   * The path (plus `?query` of values the rule does not consume), or the
   * converter's refusal. Values must be suitable (see `suitableFor`).
   */
  build(values: Readonly<Record<string, unknown>>): string | BuildRefusal {
    let path = '';
    for (const item of this.#trace) {
      if (!item.dynamic) {
        path += quotePath(item.text);
        continue;
      }
      const name = item.name;
      const value = name in this.defaults ? this.defaults[name] : values[name];
      const converter = this.converters.get(name)!;
      try {
        path += converter.toUrl ? converter.toUrl(value) : quotePath(String(value));
      } catch (error) {
        if (error instanceof ValidationError) return { name, reason: error.message };
        throw error;
      }
    }
    let query = '';
    for (const key in values) {
      if (this.arguments.has(key)) continue;
      query = encodeQuery(Object.entries(values).filter(([k]) => !this.arguments.has(k)));
      break;
    }
    return query ? path + '?' + query : path;
  }

  toString(): string {
    return this.rule;
  }
}
