/**
 * Flask's message flashing. Messages live in the session under `_flashes`
 * as a list of `(category, message)` tuples, exactly as Flask stores them,
 * so a flash made by a Flask app shows up in a micro app and back.
 */
import { g, type Markup } from '@micro/core';
import { session } from './session-proxy.js';
import { tuple, type Tuple } from './tuple.js';

export type FlashMessage = string | Markup;
export type FlashedMessage = readonly [category: string, message: FlashMessage];

export interface GetFlashedMessagesOptions {
  /** Return `[category, message]` pairs instead of messages. Default `false`. */
  withCategories?: boolean;
  /** Only these categories; empty means all. Default `[]`. */
  categoryFilter?: readonly string[];
}

export const FLASHES_KEY = '_flashes';

// Flask keeps the popped list on the request context, so every call in one
// request sees the same messages. `g` lives exactly as long as the request;
// a module-private symbol keeps the list out of the user's names.
const CACHE = Symbol('micro.flashes');
type FlashCache = { [CACHE]?: readonly Tuple[] };

/** Queue `message` for the next request that calls `getFlashedMessages` (Flask's `flash`). */
export function flash(message: FlashMessage, category = 'message'): void {
  const flashes = (session.get(FLASHES_KEY) as unknown[] | undefined) ?? [];
  flashes.push(tuple(category, message));
  session.set(FLASHES_KEY, flashes);
}

/** The flashed messages, removed from the session on first call; later calls in the same request return them again. */
export function getFlashedMessages(options?: GetFlashedMessagesOptions & { withCategories?: false }): FlashMessage[];
export function getFlashedMessages(options: GetFlashedMessagesOptions & { withCategories: true }): FlashedMessage[];
export function getFlashedMessages(options?: GetFlashedMessagesOptions): FlashMessage[] | FlashedMessage[];
export function getFlashedMessages(options: GetFlashedMessagesOptions = {}): FlashMessage[] | FlashedMessage[] {
  const cache = g as unknown as FlashCache;
  let flashes = cache[CACHE];
  if (flashes === undefined) {
    flashes = session.has(FLASHES_KEY) ? toPairs(session.pop(FLASHES_KEY)) : [];
    cache[CACHE] = flashes;
  }
  const filter = options.categoryFilter;
  const picked = (filter && filter.length ? flashes.filter((f) => filter.includes(f[0] as string)) : flashes) as unknown as FlashedMessage[];
  return options.withCategories ? picked : picked.map((f) => f[1]);
}

/**
 * `get_flashed_messages` as templates call it, with Flask's signature:
 * `get_flashed_messages(with_categories=false, category_filter=[])`.
 * Keyword arguments arrive as a trailing object (`{ with_categories: true }`,
 * or `{ withCategories: true }`), so Jinja's keyword form and JS options
 * both work. `sessions(app)` registers it as the template globals
 * `get_flashed_messages` and `getFlashedMessages`.
 */
export function getFlashedMessagesForTemplate(...args: unknown[]): FlashMessage[] | FlashedMessage[] {
  let [withCategories, categoryFilter] = args;
  const last = args[args.length - 1];
  if (isOptionsObject(last)) {
    if (args.length === 1) withCategories = undefined;
    if (args.length <= 2) categoryFilter = undefined;
    withCategories = last.with_categories ?? last.withCategories ?? withCategories;
    categoryFilter = last.category_filter ?? last.categoryFilter ?? categoryFilter;
  }
  return getFlashedMessages({
    withCategories: Boolean(withCategories),
    categoryFilter: Array.isArray(categoryFilter) ? (categoryFilter as string[]) : [],
  });
}

type TemplateOptions = Record<'with_categories' | 'withCategories' | 'category_filter' | 'categoryFilter', unknown>;

function isOptionsObject(value: unknown): value is Partial<TemplateOptions> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a cookie holds under `_flashes`, kept only where it has Flask's shape. */
function toPairs(value: unknown): readonly Tuple[] {
  if (!Array.isArray(value)) return [];
  return value.filter((f): f is Tuple => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string');
}
