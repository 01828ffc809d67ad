/**
 * The config keys of store outages: the circuit breaker every store built from
 * SESSION_TYPE gets (stores/circuit-breaker.ts), and the opt-in read-only
 * fallback (outage-session.ts).
 */
import { Config } from '@micro/core';
import { DEFAULT_BREAKER_COOLDOWN_MS, DEFAULT_BREAKER_THRESHOLD } from '../stores/circuit-breaker.js';

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Store outages in a row after which requests stop waiting for the store and
     * answer 503 at once, for SESSION_BREAKER_COOLDOWN; `0` turns the breaker off. Default: `5`.
     */
    SESSION_BREAKER_THRESHOLD: number;
    /** Seconds an open breaker fails fast before it lets one request through to probe the store. Default: `5`. */
    SESSION_BREAKER_COOLDOWN: number;
    /**
     * While the store cannot be read, serve GET, HEAD and OPTIONS requests an
     * empty session that cannot be written (a write answers 503) instead of a 503.
     * A logged-in user looks logged out meanwhile. Default: `false`.
     */
    SESSION_OUTAGE_READONLY: boolean;
  }
}

Config.defineKey('SESSION_BREAKER_THRESHOLD', {
  default: DEFAULT_BREAKER_THRESHOLD,
  check: (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : 'a whole number ≥ 0 (0 turns the breaker off)'),
  env: 'integer',
});

Config.defineKey('SESSION_BREAKER_COOLDOWN', {
  default: DEFAULT_BREAKER_COOLDOWN_MS / 1000,
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a number of seconds > 0'),
  env: 'number',
});

Config.defineKey('SESSION_OUTAGE_READONLY', { default: false, check: (v) => (typeof v === 'boolean' ? null : 'a boolean'), env: 'boolean' });
