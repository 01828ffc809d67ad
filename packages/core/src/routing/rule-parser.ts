import { pathToRegexp, TokenData } from 'path-to-regexp';
import type { Token } from 'path-to-regexp';
import type { Converter } from './converter.js';
import type { DynamicPart, RulePart } from './rule-part.js';

/** One piece of a rule for building URLs: literal text, or a placeholder's name. */
export type TraceItem = { readonly dynamic: false; readonly text: string } | { readonly dynamic: true; readonly name: string };

export interface ParsedRule {
  readonly parts: readonly RulePart[];
  readonly trace: readonly TraceItem[];
  /** Converters by placeholder name, in the order the placeholders appear. */
  readonly converters: ReadonlyMap<string, Converter>;
}

/** Builds the converter for `<name(args):var>`; throws when the name is unknown. */
export type ConverterLookup = (name: string, args: string | undefined, variable: string) => Converter;

// Werkzeug's `_part_re`: a slash, static text, or `<converter(args):variable>`.
const TOKEN = /(\/)|([^</]+)|<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>/y;

// Werkzeug matches case-sensitively, and each part is tested whole.
const REGEXP_OPTIONS = { sensitive: true, end: true, trailing: false, delimiter: '/' } as const;

interface PartBuilder {
  tokens: Token[];
  key: string;
  static: boolean;
  final: boolean;
  staticWeights: [number, number][];
  argumentWeights: number[];
  converters: Converter[];
}

function newPart(): PartBuilder {
  return { tokens: [], key: '', static: true, final: false, staticWeights: [], argumentWeights: [], converters: [] };
}

/**
 * Split a rule (`/user/<int(min=1):id>/posts`) into parts as Werkzeug does, and
 * compile each dynamic part with path-to-regexp. The leading slash is implied:
 * the first part is what follows it.
 */
export function parseRule(rule: string, lookup: ConverterLookup): ParsedRule {
  if (!rule.startsWith('/')) throw new TypeError(`URL rule '${rule}' must start with a slash.`);
  // Werkzeug merges repeated slashes in rules (merge_slashes).
  const source = rule.replace(/\/{2,}/g, '/');
  const parts: RulePart[] = [];
  const trace: TraceItem[] = [];
  const converters = new Map<string, Converter>();
  let part = newPart();
  let pos = 1; // after the implied leading slash
  trace.push({ dynamic: false, text: '/' });

  while (pos < source.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(source);
    if (m === null) throw new SyntaxError(`Malformed URL rule '${rule}' at '${source.slice(pos)}'`);
    pos = TOKEN.lastIndex;
    const [, slash, text, converterName, args, variable] = m;

    if (text !== undefined) {
      part.staticWeights.push([part.staticWeights.length, -text.length]);
      part.tokens.push({ type: 'text', value: text });
      part.key += text;
      trace.push({ dynamic: false, text });
    } else if (variable !== undefined) {
      if (converters.has(variable)) throw new SyntaxError(`URL rule '${rule}' uses the variable name '${variable}' twice.`);
      const converter = lookup(converterName ?? 'default', args, variable);
      converters.set(variable, converter);
      const isolating = converter.partIsolating ?? true;
      if (!isolating) part.final = true;
      part.static = false;
      part.tokens.push({ type: isolating ? 'param' : 'wildcard', name: `p${part.converters.length}` });
      part.converters.push(converter);
      part.argumentWeights.push(converter.weight ?? 100);
      part.key += `<${converterIdentity(converter)}(${args?.trim() ?? ''})>`;
      trace.push({ dynamic: true, name: variable });
    } else if (slash !== undefined) {
      trace.push({ dynamic: false, text: '/' });
      if (part.final) {
        part.tokens.push({ type: 'text', value: '/' });
        part.key += '/';
      } else {
        parts.push(finishPart(part, false, rule));
        part = newPart();
      }
    }
  }

  // `<path:p>/`: the trailing slash becomes its own empty part, so strict
  // slashes redirect `/x/a` to `/x/a/` as for any branch URL.
  let suffixed = false;
  const last = part.tokens[part.tokens.length - 1];
  if (part.final && last?.type === 'text' && last.value.endsWith('/')) {
    suffixed = true;
    if (last.value === '/') part.tokens.pop();
    else part.tokens[part.tokens.length - 1] = { type: 'text', value: last.value.slice(0, -1) };
    part.key = part.key.slice(0, -1);
  }
  parts.push(finishPart(part, suffixed, rule));
  if (suffixed) parts.push({ static: true, text: '' });
  return { parts, trace, converters };
}

// Parts share a matcher state only when their converters come from the same
// class (or object), not merely the same name, which may be re-registered.
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

function converterIdentity(converter: Converter): number {
  const ctor = converter.constructor;
  const source: object = typeof ctor === 'function' && ctor !== Object ? ctor : converter;
  let id = identities.get(source);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(source, id);
  }
  return id;
}

function finishPart(part: PartBuilder, suffixed: boolean, rule: string): RulePart {
  if (part.static) return { static: true, text: part.key };
  const whole = part.tokens.length === 1;
  let regexp: RegExp | null = null;
  if (!whole) {
    try {
      regexp = pathToRegexp(new TokenData(part.tokens), REGEXP_OPTIONS).regexp;
    } catch (error) {
      throw new SyntaxError(
        `URL rule '${rule}': cannot compile '${part.key}' (two placeholders need static text between them).`,
        { cause: error },
      );
    }
  }
  const dynamic: DynamicPart = {
    static: false,
    key: (part.final ? 'F' : '') + (suffixed ? 'S' : '') + '|' + part.key,
    final: part.final,
    suffixed,
    whole,
    regexp,
    converters: part.converters,
    weight: {
      staticCount: part.staticWeights.length,
      staticWeights: part.staticWeights,
      argumentCount: part.argumentWeights.length,
      argumentWeights: part.argumentWeights,
    },
  };
  return dynamic;
}
