import type { Rule } from './rule.js';
import { similarity } from './similarity.js';

/** A converter refused a value while building (e.g. `page: 'x'` for `<int:page>`). */
export interface RefusedValue {
  readonly rule: Rule;
  readonly name: string;
  readonly reason: string;
}

// Below this, a different endpoint name is not offered as "did you mean" (difflib's default cutoff).
const SUGGEST_CUTOFF = 0.6;

function pyList(items: Iterable<string>): string {
  return '[' + [...items].sort().map((s) => `'${s}'`).join(', ') + ']';
}

/**
 * `urlFor`/`Router.build` could not make a URL: no rule has the endpoint, a
 * required value is missing, or a converter refused a value. The message says
 * which, and suggests the closest endpoint or the missing values.
 */
export class BuildError extends Error {
  readonly code = 'MICRO_BUILD_ERROR';
  readonly endpoint: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly method: string | undefined;
  /** The rule closest to what was asked (Werkzeug's `suggested`), if any. */
  readonly suggested: Rule | undefined;
  readonly refused: RefusedValue | undefined;

  constructor(
    endpoint: string,
    values: Readonly<Record<string, unknown>>,
    method: string | undefined,
    rules: readonly Rule[],
    refused?: RefusedValue,
  ) {
    const suggested = closestRule(endpoint, values, method, rules);
    super(message(endpoint, values, method, suggested, refused));
    this.name = 'BuildError';
    this.endpoint = endpoint;
    this.values = values;
    this.method = method;
    this.suggested = suggested;
    this.refused = refused;
  }
}

function closestRule(
  endpoint: string,
  values: Readonly<Record<string, unknown>>,
  method: string | undefined,
  rules: readonly Rule[],
): Rule | undefined {
  const keys = Object.keys(values);
  let best: Rule | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    // Werkzeug's weights: the name counts most; fitting values and method break ties.
    const score =
      0.98 * similarity(rule.endpoint, endpoint) +
      0.01 * Number(keys.every((k) => rule.arguments.has(k))) +
      0.01 * Number(method !== undefined && rule.methods.has(method));
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  if (best !== undefined && best.endpoint !== endpoint && similarity(best.endpoint, endpoint) < SUGGEST_CUTOFF) return undefined;
  return best;
}

function message(
  endpoint: string,
  values: Readonly<Record<string, unknown>>,
  method: string | undefined,
  suggested: Rule | undefined,
  refused: RefusedValue | undefined,
): string {
  let text = `Could not build url for endpoint '${endpoint}'`;
  if (method) text += ` ('${method}')`;
  const keys = Object.keys(values);
  if (keys.length > 0) text += ` with values ${pyList(keys)}`;
  text += '.';
  if (refused) {
    text += ` The value for '${refused.name}' was refused by the converter of rule '${refused.rule.rule}': ${refused.reason}.`;
  }
  if (suggested === undefined) {
    if (!refused) text += ' No rule has this endpoint.';
    return text;
  }
  if (suggested.endpoint !== endpoint) return text + ` Did you mean '${suggested.endpoint}' instead?`;
  if (method && !suggested.methods.has(method)) text += ` Did you mean to use methods ${pyList(suggested.methods)}?`;
  const missing = [...suggested.arguments].filter((k) => !(k in values) && !(k in suggested.defaults));
  if (missing.length > 0) text += ` Did you forget to specify values ${pyList(missing)}?`;
  return text;
}
