/**
 * HTML escaping, as MarkupSafe does it for Flask: `escape()` turns text into a
 * `Markup` string that is safe to put in HTML; `Markup` values pass through
 * `escape()` unchanged, so nothing is escaped twice.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;

/** A string known to be safe HTML. Anything with `__html__()` counts as markup. */
export class Markup extends String {
  constructor(value: unknown = '') {
    super(typeof value === 'object' && value !== null && hasHtml(value) ? value.__html__() : String(value));
  }

  __html__(): string {
    return this.valueOf();
  }

  /** Join values, escaping the ones that are not markup yet. */
  static join(values: Iterable<unknown>, separator: unknown = ''): Markup {
    const sep = escape(separator).valueOf();
    const parts: string[] = [];
    for (const v of values) parts.push(escape(v).valueOf());
    return new Markup(parts.join(sep));
  }

  override toString(): string {
    return this.valueOf();
  }

  toJSON(): string {
    return this.valueOf();
  }
}

interface HasHtml {
  __html__(): string;
}

function hasHtml(value: object): value is HasHtml {
  return typeof (value as Partial<HasHtml>).__html__ === 'function';
}

/** Escape `&<>"'` for HTML. Markup (anything with `__html__`) is returned as is. */
export function escape(value: unknown): Markup {
  if (value instanceof Markup) return value;
  if (typeof value === 'object' && value !== null && hasHtml(value)) return new Markup(value.__html__());
  const text = value === null || value === undefined ? String(value) : String(value);
  return new Markup(NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, (c) => ESCAPES[c]!) : text);
}
