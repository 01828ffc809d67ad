/**
 * Jinja's keyword arguments as Nunjucks passes them: `f(a, b=1)` calls
 * `f(a, { b: 1, __keywords: true })`. micro hands functions and filters a
 * plain trailing object without the marker, so they read as ordinary JS
 * options: `url_for('post', id=3)` is `urlFor('post', { id: 3 })`.
 */

interface KeywordArgs {
  __keywords?: true;
  [name: string]: unknown;
}

function isKeywordArgs(value: unknown): value is KeywordArgs {
  return typeof value === 'object' && value !== null && (value as KeywordArgs).__keywords === true;
}

/** `args` with a trailing keyword object turned into a plain object. */
export function plainArgs(args: unknown[]): unknown[] {
  const last = args.length ? args[args.length - 1] : undefined;
  if (!isKeywordArgs(last)) return args;
  const { __keywords, ...keywords } = last;
  void __keywords;
  return [...args.slice(0, -1), keywords];
}

/** Split `args` into positional ones and the keywords (empty when there are none). */
export function splitKeywordArgs(args: unknown[]): [positional: unknown[], keywords: Record<string, unknown>] {
  const last = args.length ? args[args.length - 1] : undefined;
  if (!isKeywordArgs(last)) return [args, {}];
  const { __keywords, ...keywords } = last;
  void __keywords;
  return [args.slice(0, -1), keywords];
}
