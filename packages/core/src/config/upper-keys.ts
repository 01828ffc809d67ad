/**
 * Which keys Flask's loaders take: only upper-case ones, so a settings module
 * or class can keep lower-case helpers beside its settings.
 */

/**
 * Python's `str.isupper()`, which Flask's `from_mapping` and `from_object`
 * apply: at least one cased character, and every cased character upper-case.
 * `DATABASE`, `A1`, `_A`, `A-B`, `Ä` qualify; `123`, `_`, `aB`, `ß` do not.
 */
export function isUpperKey(key: string): boolean {
  return key.toUpperCase() === key && key.toLowerCase() !== key;
}

/**
 * The upper-case attributes of `source` and what they hold, as Python's
 * `dir()` plus `getattr()` see them: its own properties and those inherited
 * from its classes (instance fields, getters on a class, static fields of a
 * class and its parents), enumerable or not, but nothing from `Object` or
 * `Function` themselves. Getters run with `source` as `this`.
 */
export function upperAttributes(source: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  const seen = new Set<string>();
  for (let o: object | null = source; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (seen.has(key) || !isUpperKey(key)) continue;
      seen.add(key);
      out.push([key, (source as Record<string, unknown>)[key]]);
    }
  }
  return out;
}
