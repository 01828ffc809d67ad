/**
 * How a JS number is written so that Python's `json.dumps` would write the same.
 *
 * JS has one number type, Python has `int` and `float`. The mapping:
 * - a safe integer (|n| ≤ 2^53 − 1) is an `int`: `3` → `3`;
 * - any other finite number is a `float`, written as Python's `repr(float)`:
 *   `0.1` → `0.1`, `1e16` → `1e+16`, `1e-5` → `1e-05`, `2**60` → `1.152921504606847e+18`, `-0` → `-0.0`;
 * - a `bigint` is an `int` of any size: `2n ** 64n` → `18446744073709551616`;
 * - NaN and ±Infinity are refused: Python would write `NaN`, which is not JSON.
 * Consequence: Python's `1.0` reads back as JS `1` and is written as `1`.
 */

export function jsonNumber(n: number): string | null {
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '-0.0' : String(n);
  if (!Number.isFinite(n)) return null;
  const abs = Math.abs(n);
  // Python switches to exponent notation below 1e-4 and from 1e16; JS only
  // outside [1e-7, 1e21). Inside Python's range both print the same shortest digits.
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(n);
    return Number.isInteger(n) ? s + '.0' : s;
  }
  return pythonExponent(n);
}

/** `1.5e+16`, `1e-05`: shortest round-trip digits, sign and at least two exponent digits. */
function pythonExponent(n: number): string {
  const s = n.toExponential(); // shortest round-trip digits, e.g. "1.5e+16"
  const e = s.indexOf('e');
  const mantissa = s.slice(0, e);
  const sign = s[e + 1]!;
  const digits = s.slice(e + 2);
  return `${mantissa}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}
