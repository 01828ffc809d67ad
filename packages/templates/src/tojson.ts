/**
 * Flask's `tojson` filter: JSON that is safe inside HTML, `<script>` blocks
 * and single-quoted attributes (`<`, `>`, `&` and `'` as `\u` escapes, as
 * Jinja's htmlsafe_json_dumps writes them), returned as Markup so it is not
 * escaped again. Keys keep JavaScript's order, as `jsonify` does (Flask sorts them).
 */
import { Markup } from '@micro/core';

const UNSAFE = /[<>&']/g;

export function tojson(value: unknown, indent?: number | Record<string, unknown>): Markup {
  const spaces = typeof indent === 'number' ? indent : typeof indent?.indent === 'number' ? indent.indent : undefined;
  const text = JSON.stringify(value === undefined ? null : value, null, spaces);
  return new Markup(text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
