/**
 * A Python tuple on the JS side. Flask's tagged JSON keeps tuples apart from
 * lists (tag ` t`), e.g. the `(category, message)` pairs of flashed messages,
 * so a round trip through JS must not turn them into lists.
 * Tuples are frozen arrays: read them like any array, build new ones to change.
 */
export class Tuple<T = unknown> extends Array<T> {
  // map/filter/slice on a tuple give plain arrays, as they would in Python.
  static override readonly [Symbol.species] = Array;

  static isTuple(value: unknown): value is Tuple {
    return value instanceof Tuple;
  }
}

/** Make a frozen `Tuple`: `tuple('error', 'Bad password')`. */
export function tuple<T>(...items: T[]): Tuple<T> {
  const t = new Tuple<T>();
  for (const item of items) t.push(item);
  return Object.freeze(t) as Tuple<T>;
}
