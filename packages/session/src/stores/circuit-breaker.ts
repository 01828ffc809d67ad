/**
 * A circuit breaker around a SessionStore (same contract), so a dead backend
 * costs each request microseconds instead of the store's timeout:
 *
 * - closed: calls go through; `threshold` StoreUnavailableErrors in a row open it.
 *   Only outages count: a conflict means the store answered, and a bug is not an outage.
 * - open: calls fail at once with StoreCircuitOpenError (still a 503) for `cooldownMs`.
 * - half-open: after the cool-down the next call is let through as the one probe
 *   while every other call keeps failing fast; it closes the circuit when the
 *   store answers and opens it for another cool-down when it does not.
 *
 * State changes are reported once each (`onStateChange`), never once per request.
 */
import { StoreConflictError, StoreUnavailableError } from './errors.js';
import type { Clock, SessionChanges, SessionData, SessionStore } from './store.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive outages (StoreUnavailableError) that open the circuit; at least 1. Default: `5`. */
  threshold?: number;
  /** How long an open circuit fails fast before one probe goes through, in ms. Default: `5000`. */
  cooldownMs?: number;
  /** Milliseconds since the epoch; tests pass a controllable one. Default: `Date.now`. */
  clock?: Clock;
  /** Called once per state change (e.g. to log it). */
  onStateChange?: (change: BreakerStateChange) => void;
}

export interface BreakerStateChange {
  /** The store's name, e.g. 'redis'. */
  store: string;
  from: BreakerState;
  to: BreakerState;
  /** Outages in a row so far (the one that opened the circuit included). */
  failures: number;
  /** Until the next probe, in ms; 0 unless `to` is 'open'. */
  retryAfterMs: number;
  /** The outage that opened the circuit, when `to` is 'open'. */
  cause?: StoreUnavailableError;
}

/** What a call gets while the circuit is open: no I/O was attempted (or the outage was already counted). */
export class StoreCircuitOpenError extends StoreUnavailableError {
  /** When a retry has a chance, in ms (the rest of the cool-down; 0 while a probe is out). */
  readonly retryAfterMs: number;

  constructor(store: string, failures: number, retryAfterMs: number, options: { cause?: unknown } = {}) {
    // No stack trace: while the circuit is open one of these is made per request, and its
    // stack would only ever point at the breaker (capturing it was a sixth of a fast 503).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(store, `failing fast after ${failures} failures in a row (circuit breaker open, next try in ${Math.ceil(retryAfterMs / 1000)} s)`, options);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'StoreCircuitOpenError';
    this.retryAfterMs = retryAfterMs;
  }
}

export const DEFAULT_BREAKER_THRESHOLD = 5;
export const DEFAULT_BREAKER_COOLDOWN_MS = 5000;

export class CircuitBreakerStore implements SessionStore {
  readonly name: string;
  readonly threshold: number;
  readonly cooldownMs: number;
  readonly cleanup?: () => Promise<number>;
  readonly close?: () => Promise<void>;
  private readonly clock: Clock;
  private readonly onStateChange: ((change: BreakerStateChange) => void) | undefined;
  private failures = 0;
  private isOpen = false;
  private openUntil = 0;
  /** The call that is the probe, or 0 when none is out (a number, so a stale probe is told apart). */
  private probing = 0;
  private probes = 0;

  constructor(
    readonly inner: SessionStore,
    options: CircuitBreakerOptions = {},
  ) {
    this.name = inner.name;
    this.threshold = options.threshold ?? DEFAULT_BREAKER_THRESHOLD;
    this.cooldownMs = options.cooldownMs ?? DEFAULT_BREAKER_COOLDOWN_MS;
    if (!Number.isSafeInteger(this.threshold) || this.threshold < 1) {
      throw new RangeError(`The circuit breaker's threshold must be a whole number ≥ 1, got ${this.threshold}.`);
    }
    if (!Number.isFinite(this.cooldownMs) || this.cooldownMs <= 0) {
      throw new RangeError(`The circuit breaker's cool-down must be a positive number of ms, got ${this.cooldownMs}.`);
    }
    this.clock = options.clock ?? Date.now;
    this.onStateChange = options.onStateChange;
    // Housekeeping goes through too: a sweep against a dead store would only wait out its timeout.
    if (inner.cleanup) this.cleanup = () => this.call(() => inner.cleanup!());
    if (inner.close) this.close = () => inner.close!();
  }

  /** 'half-open' once the cool-down is over: the next call is the probe. */
  get state(): BreakerState {
    if (!this.isOpen) return 'closed';
    return this.probing !== 0 || this.clock() >= this.openUntil ? 'half-open' : 'open';
  }

  /** Until the next call may reach the store, in ms; 0 when closed. */
  retryAfterMs(): number {
    return this.isOpen ? Math.max(0, this.openUntil - this.clock()) : 0;
  }

  get(id: string): Promise<SessionData | null> {
    return this.call(() => this.inner.get(id));
  }

  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    return this.call(() => this.inner.set(id, data, ttlMs));
  }

  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    return this.call(() => this.inner.apply(id, changes, ttlMs));
  }

  destroy(id: string): Promise<void> {
    return this.call(() => this.inner.destroy(id));
  }

  touch(id: string, ttlMs: number): Promise<void> {
    return this.call(() => this.inner.touch(id, ttlMs));
  }

  private call<T>(op: () => Promise<T>): Promise<T> {
    let probe = 0;
    if (this.isOpen) {
      if (this.probing !== 0 || this.clock() < this.openUntil) return Promise.reject(this.failFast());
      probe = this.probing = ++this.probes;
      this.report('open', 'half-open');
    }
    let pending: Promise<T>;
    try {
      pending = op();
    } catch (err) {
      pending = Promise.reject(err);
    }
    return pending.then(
      (value) => {
        this.answered();
        return value;
      },
      (err: unknown) => {
        throw this.failed(err, probe);
      },
    );
  }

  /** The store answered: whatever state, it is reachable again. */
  private answered(): void {
    this.failures = 0;
    if (!this.isOpen) return;
    // As last reported: 'half-open' only once a probe went out.
    const from = this.probing !== 0 ? 'half-open' : 'open';
    this.isOpen = false;
    this.probing = 0;
    this.report(from, 'closed');
  }

  /** Count an outage; returns the error the caller sees. */
  private failed(err: unknown, probe: number): unknown {
    if (err instanceof StoreConflictError) {
      this.answered();
      return err;
    }
    if (!(err instanceof StoreUnavailableError)) {
      // Not an outage (a bug, a bad value): says nothing about the store. A probe frees its slot.
      if (probe !== 0 && this.probing === probe) this.probing = 0;
      return err;
    }
    this.failures++;
    if (probe !== 0 && this.probing === probe) {
      this.probing = 0;
      this.open('half-open', err);
      return err;
    }
    if (this.isOpen) {
      // Started before the circuit opened: already counted as an outage, so no log line of its own.
      return this.failFast(err);
    }
    if (this.failures >= this.threshold) this.open('closed', err);
    return err;
  }

  private open(from: BreakerState, cause: StoreUnavailableError): void {
    this.isOpen = true;
    this.openUntil = this.clock() + this.cooldownMs;
    this.report(from, 'open', cause);
  }

  private failFast(cause?: unknown): StoreCircuitOpenError {
    return new StoreCircuitOpenError(this.name, this.failures, this.retryAfterMs(), { cause });
  }

  private report(from: BreakerState, to: BreakerState, cause?: StoreUnavailableError): void {
    this.onStateChange?.({
      store: this.name,
      from,
      to,
      failures: this.failures,
      retryAfterMs: to === 'open' ? this.cooldownMs : 0,
      ...(cause ? { cause } : {}),
    });
  }
}
