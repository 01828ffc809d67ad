import { abort, type MultiDict } from '@micro/core';

/**
 * Flask's `request.form['name']`: the field's value, or a 400 Bad Request
 * when the form has no such field (Werkzeug's BadRequestKeyError).
 */
export function formField(form: MultiDict<string>, name: string): string {
  const value = form.get(name);
  if (value === undefined) abort(400);
  return value;
}
