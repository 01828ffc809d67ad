/**
 * micro's `Markup` is safe HTML to Nunjucks as well. Nunjucks escapes every
 * output value unless it is `instanceof runtime.SafeString` (in
 * `suppressValue`, the `safe`/`escape` filters and `copySafeness`), and has no
 * hook for a custom escape check, so that `instanceof` is taught to accept
 * `Markup` too, through the standard `Symbol.hasInstance`. Markup extends
 * String, so Nunjucks concatenates it as the text it holds.
 *
 * The other way, values Nunjucks marked safe (`x|safe`, a macro's output) reach
 * filters and functions as `Markup`: see `toMarkup`.
 */
import { Markup } from '@micro/core';
import nunjucks from 'nunjucks';

const SafeString = nunjucks.runtime.SafeString;
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];
const BRIDGED = Symbol.for('micro.templates.markupBridge');

/** True for Nunjucks' own SafeString (not for Markup). */
export function isSafeString(value: unknown): value is nunjucks.runtime.SafeString {
  return ordinaryHasInstance.call(SafeString, value);
}

/** Install the bridge once per process (the Nunjucks module is shared). */
export function bridgeMarkup(): void {
  const target = SafeString as unknown as Record<symbol, unknown>;
  if (target[BRIDGED]) return;
  Object.defineProperty(SafeString, Symbol.hasInstance, {
    value: (value: unknown) => value instanceof Markup || ordinaryHasInstance.call(SafeString, value),
    configurable: true,
  });
  Object.defineProperty(SafeString, BRIDGED, { value: true });
}

/** A Nunjucks SafeString as Markup; anything else as it is. */
export function toMarkup(value: unknown): unknown {
  return isSafeString(value) ? new Markup(value.val) : value;
}
