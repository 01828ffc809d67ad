/** What `health()` reports, for a readiness probe. */
import type { BreakerState } from './stores/circuit-breaker.js';

export interface SessionHealth {
  /** True when a session can be read now. */
  ok: boolean;
  /** Where sessions live: 'cookie', or the store's name ('redis', 'sql:postgres'…). */
  store: string;
  /** The store's circuit breaker; always 'closed' without one. */
  state: BreakerState;
  /** How long the check's round trip to the store took, in ms. */
  latencyMs?: number;
  /** Why the check failed (no session id or data in it). */
  error?: string;
}
