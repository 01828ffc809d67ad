/**
 * `health()` of a server-side interface: one real round trip, a read of an id
 * that was never issued, through the store's circuit breaker (so an open
 * breaker answers at once, and after its cool-down the check itself is the probe
 * that can close it). Every store bounds its commands by its own timeout.
 */
import { performance } from 'node:perf_hooks';
import type { SessionHealth } from '../session-health.js';
import { CircuitBreakerStore } from '../stores/circuit-breaker.js';
import type { SessionStore } from '../stores/store.js';
import { generateSessionId } from './session-id.js';

export async function storeHealth(store: SessionStore): Promise<SessionHealth> {
  const started = performance.now();
  let error: string | undefined;
  try {
    // A fresh random id: read-only, matches nothing, and cannot be served from a cache.
    await store.get(`health-check-${generateSessionId(16)}`);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
  const state = breakerOf(store)?.state ?? 'closed';
  return error === undefined ? { ok: true, store: store.name, state, latencyMs } : { ok: false, store: store.name, state, latencyMs, error };
}

/** The circuit breaker under `store`'s wrappers (each keeps the store it wraps as `inner`), if any. */
export function breakerOf(store: SessionStore): CircuitBreakerStore | undefined {
  let s: unknown = store;
  for (let depth = 0; depth < 16 && s !== null && typeof s === 'object'; depth++, s = (s as { inner?: unknown }).inner) {
    if (s instanceof CircuitBreakerStore) return s;
  }
  return undefined;
}
