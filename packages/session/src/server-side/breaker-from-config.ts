/**
 * The circuit breaker a store built from SESSION_TYPE gets, from
 * SESSION_BREAKER_THRESHOLD and SESSION_BREAKER_COOLDOWN, logging each state
 * change on `app.logger` once (never once per request).
 */
import type { App } from '@micro/core';
import { CircuitBreakerStore, type BreakerStateChange, type CircuitBreakerOptions } from '../stores/circuit-breaker.js';
import { MemoryStore } from '../stores/memory-store.js';
import type { SessionStore } from '../stores/store.js';
import './outage-config.js';

/**
 * `store` behind a circuit breaker, or as is when SESSION_BREAKER_THRESHOLD
 * is 0 or the store is the memory store (it lives in the process: it cannot
 * be down or hung). `clock` is for tests.
 */
export function breakerFromConfig(app: App, store: SessionStore, { clock }: Pick<CircuitBreakerOptions, 'clock'> = {}): SessionStore {
  const threshold = app.config.SESSION_BREAKER_THRESHOLD;
  if (threshold === 0 || store instanceof MemoryStore) return store;
  return new CircuitBreakerStore(store, {
    threshold,
    clock,
    cooldownMs: app.config.SESSION_BREAKER_COOLDOWN * 1000,
    onStateChange: (change) => logStateChange(app, change),
  });
}

function logStateChange(app: App, { store, from, to, failures, retryAfterMs }: BreakerStateChange): void {
  const seconds = Math.ceil(retryAfterMs / 1000);
  if (to === 'open' && from === 'closed') {
    app.logger.error(`[session] The '${store}' store failed ${failures} times in a row: circuit breaker open, session requests answer 503 at once for ${seconds} s.`);
  } else if (to === 'open') {
    app.logger.warn(`[session] The '${store}' store is still unavailable: circuit breaker open for another ${seconds} s.`);
  } else if (to === 'half-open') {
    app.logger.debug?.(`[session] Probing the '${store}' store with one request (circuit breaker half-open).`);
  } else {
    app.logger.info(`[session] The '${store}' store answers again: circuit breaker closed.`);
  }
}
