/**
 * Dict-style reads for micro's get()-based objects in templates: Flask
 * templates write `request.form['title']`, `request.args['q']` and
 * `session['user_id']`, while micro's MultiDict, headers and session are read
 * with `.get(key)`. A view answers a name the object has (`get`, `getAll`,
 * `size`) with the member, and any other name with `get(name)`, so both
 * `request.form.get('title')` and `request.form['title']` work. `items()`
 * lists `[key, value]` pairs, as Python's `dict.items()`.
 *
 * The object is resolved on each access, so a view over the session opens it
 * (and marks it accessed) only when the template reads it.
 */

interface Gettable {
  get(key: string): unknown;
}

export function mappingView<T extends Gettable>(resolve: () => T): T {
  return new Proxy(Object.create(null) as T, {
    get(_, prop) {
      const target = resolve();
      if (typeof prop === 'string' && !(prop in target)) {
        if (prop === 'items') return () => itemsOf(target);
        return target.get(prop);
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    has(_, prop) {
      const target = resolve();
      return prop in target || (typeof prop === 'string' && target.get(prop) !== undefined);
    },
  });
}

function itemsOf(target: Gettable): unknown[] {
  const entries = (target as Partial<{ entries(): Iterable<unknown> }>).entries;
  if (typeof entries === 'function') return [...entries.call(target)];
  if (Symbol.iterator in target) return [...(target as unknown as Iterable<unknown>)];
  return [];
}
