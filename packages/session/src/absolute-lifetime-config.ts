/**
 * How SESSION_ABSOLUTE_LIFETIME is checked and read: seconds, or a duration
 * (`{ hours: 8 }`) as PERMANENT_SESSION_LIFETIME takes, from code, files and
 * the environment (`MICRO_SESSION_ABSOLUTE_LIFETIME=28800` or `'{"hours": 8}'`).
 */
import type { ConfigKeySpec } from '@micro/core';

const EXPECTED = 'a number of seconds greater than 0 (or { days, hours, minutes, seconds }) or null';
const UNITS: Readonly<Record<string, number>> = { days: 86_400, hours: 3_600, minutes: 60, seconds: 1 };

export const ABSOLUTE_LIFETIME_KEY_SPEC: ConfigKeySpec = {
  default: null, // off
  check: (v) => (v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0) ? null : EXPECTED),
  normalize: durationToSeconds,
  env: (raw) => {
    const text = raw.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    try {
      if (text.startsWith('{')) return durationToSeconds(JSON.parse(text));
    } catch {
      // fall through to the message
    }
    throw new Error('a number of seconds or a JSON duration (e.g. {"hours": 8})');
  },
};

/** `{ days, hours, minutes, seconds }` as whole seconds (as core does for PERMANENT_SESSION_LIFETIME); anything else as is. */
function durationToSeconds(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([unit, n]) => Object.hasOwn(UNITS, unit) && typeof n === 'number')) return value;
  return Math.trunc(entries.reduce((sum, [unit, n]) => sum + UNITS[unit]! * (n as number), 0));
}
