/**
 * The config keys of store outages: how long a store built from SESSION_TYPE
 * waits for its server, the circuit breaker it gets (stores/circuit-breaker.ts),
 * and the opt-in read-only fallback (outage-session.ts).
 */
import { Config, type App } from '@micro/core';
import { DEFAULT_BREAKER_COOLDOWN_MS, DEFAULT_BREAKER_THRESHOLD } from '../stores/circuit-breaker.js';
import { DEFAULT_STORE_TIMEOUT_MS } from '../stores/errors.js';

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Seconds a store built from SESSION_TYPE waits for its server (a Redis or
     * memcached command, a SQL query, a MongoDB operation) before the call counts
     * as an outage: 503 with Retry-After, and one more toward the breaker. Not
     * the filesystem store, whose wait is for a lock file. Default: `2`.
     */
    SESSION_STORE_TIMEOUT: number;
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

Config.defineKey('SESSION_STORE_TIMEOUT', {
  default: DEFAULT_STORE_TIMEOUT_MS / 1000,
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'a number of seconds > 0'),
  env: 'number',
});

/** SESSION_STORE_TIMEOUT in whole milliseconds (at least 1), as the stores take it. */
export function storeTimeoutMs(app: App): number {
  return Math.max(1, Math.round(app.config.SESSION_STORE_TIMEOUT * 1000));
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
