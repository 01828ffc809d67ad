/**
 * The circuit breaker's states under a controllable clock, around a MemoryStore
 * that a test can switch into an outage (every call rejects, or hangs until the
 * test settles it). The HTTP-level test against a frozen redis-server is
 * test/server-side/redis-breaker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { CircuitBreakerStore, StoreCircuitOpenError, type BreakerStateChange } from '../../src/stores/circuit-breaker.js';
import { StoreConflictError, StoreUnavailableError } from '../../src/stores/errors.js';
import { MemoryStore } from '../../src/stores/memory-store.js';
import type { SessionChanges, SessionData, SessionStore } from '../../src/stores/store.js';

type Mode = 'up' | 'down' | 'conflict' | 'bug' | 'hang';

/** A MemoryStore behind a switch; counts the calls that reach it. */
class SwitchableStore implements SessionStore {
  readonly name = 'switchable';
  mode: Mode = 'up';
  calls = 0;
  /** Settles hung calls: `release(true)` answers them, `release(false)` fails them as an outage. */
  private readonly hung: Array<(ok: boolean) => void> = [];
  private readonly inner = new MemoryStore();

  get(id: string): Promise<SessionData | null> {
    return this.run(() => this.inner.get(id));
  }
  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    return this.run(() => this.inner.set(id, data, ttlMs));
  }
  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    return this.run(() => this.inner.apply(id, changes, ttlMs));
  }
  destroy(id: string): Promise<void> {
    return this.run(() => this.inner.destroy(id));
  }
  touch(id: string, ttlMs: number): Promise<void> {
    return this.run(() => this.inner.touch(id, ttlMs));
  }
  cleanup(): Promise<number> {
    return this.run(() => this.inner.cleanup());
  }
  async close(): Promise<void> {
    await this.inner.close();
  }

  release(ok: boolean): void {
    for (const settle of this.hung.splice(0)) settle(ok);
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    this.calls++;
    switch (this.mode) {
      case 'up':
        return op();
      case 'down':
        return Promise.reject(new StoreUnavailableError(this.name, 'connection refused'));
      case 'conflict':
        return Promise.reject(new StoreConflictError(this.name, 3));
      case 'bug':
        return Promise.reject(new TypeError('not an outage'));
      case 'hang':
        return new Promise<T>((resolve, reject) => {
          this.hung.push((ok) => (ok ? op().then(resolve, reject) : reject(new StoreUnavailableError(this.name, 'no answer within 2000 ms'))));
        });
    }
  }
}

function setup(threshold = 3, cooldownMs = 10_000) {
  let now = 1_000_000;
  const inner = new SwitchableStore();
  const changes: BreakerStateChange[] = [];
  const breaker = new CircuitBreakerStore(inner, { threshold, cooldownMs, clock: () => now, onStateChange: (c) => changes.push(c) });
  return {
    inner,
    breaker,
    changes,
    transitions: () => changes.map((c) => `${c.from}->${c.to}`),
    advance(ms: number) {
      now += ms;
    },
  };
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (value) => ({ value }),
    (err: unknown) => err,
  );
}

async function failTimes(breaker: SessionStore, n: number): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (let i = 0; i < n; i++) errors.push(await outcome(breaker.get('s')));
  return errors;
}

describe('CircuitBreakerStore', () => {
  it('passes calls through while closed and keeps the store contract', async () => {
    const { breaker, inner } = setup();
    await breaker.set('s', { a: 1 }, 60_000);
    await breaker.apply('s', { set: { b: 2 }, delete: [] }, 60_000);
    await breaker.touch('s', 60_000);
    expect(await breaker.get('s')).toEqual({ a: 1, b: 2 });
    await breaker.destroy('s');
    expect(await breaker.get('s')).toBeNull();
    expect(await breaker.cleanup!()).toBe(0);
    expect(inner.calls).toBe(7);
    expect(breaker.state).toBe('closed');
    expect(breaker.name).toBe('switchable');
  });

  it('opens only after `threshold` outages in a row; an answer in between starts the count again', async () => {
    const { breaker, inner, transitions } = setup(3);
    inner.mode = 'down';
    await failTimes(breaker, 2);
    inner.mode = 'up';
    await breaker.get('s');
    inner.mode = 'down';
    const errors = await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    // The store's own errors come through unchanged while closed.
    for (const err of errors) expect((err as Error).constructor).toBe(StoreUnavailableError);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions()).toEqual(['closed->open']);
  });

  it('fails fast while open: no call reaches the store, and the error says when to retry', async () => {
    const { breaker, inner, changes, advance } = setup(3, 10_000);
    inner.mode = 'down';
    await failTimes(breaker, 3);
    expect(changes[0]).toMatchObject({ store: 'switchable', from: 'closed', to: 'open', failures: 3, retryAfterMs: 10_000 });
    expect(changes[0]!.cause).toBeInstanceOf(StoreUnavailableError);
    const reached = inner.calls;

    advance(2_500);
    const errors = [
      await outcome(breaker.get('s')),
      await outcome(breaker.set('s', {}, 1000)),
      await outcome(breaker.apply('s', { set: {}, delete: [] }, 1000)),
      await outcome(breaker.touch('s', 1000)),
      await outcome(breaker.destroy('s')),
      await outcome(breaker.cleanup!()),
    ];
    expect(inner.calls).toBe(reached);
    for (const err of errors) {
      expect(err).toBeInstanceOf(StoreCircuitOpenError);
      expect(err).toBeInstanceOf(StoreUnavailableError); // so the session layer still answers 503
      expect((err as StoreCircuitOpenError).retryAfterMs).toBe(7_500);
      expect((err as StoreCircuitOpenError).store).toBe('switchable');
    }
    expect(breaker.retryAfterMs()).toBe(7_500);
    expect(changes).toHaveLength(1); // one report for the whole open period, not one per call
  });

  it('after the cool-down lets exactly one probe through; others keep failing fast; an answer closes it', async () => {
    const { breaker, inner, transitions, advance } = setup(3, 10_000);
    inner.mode = 'down';
    await failTimes(breaker, 3);
    advance(9_999);
    expect(breaker.state).toBe('open');
    advance(1);
    expect(breaker.state).toBe('half-open');

    inner.mode = 'hang';
    const reached = inner.calls;
    const probe = outcome(breaker.get('s'));
    const others = await Promise.all([outcome(breaker.get('s')), outcome(breaker.set('s', { x: 1 }, 1000))]);
    expect(inner.calls).toBe(reached + 1);
    for (const err of others) {
      expect(err).toBeInstanceOf(StoreCircuitOpenError);
      expect((err as StoreCircuitOpenError).retryAfterMs).toBe(0);
    }
    expect(breaker.state).toBe('half-open');

    inner.release(true);
    expect(await probe).toEqual({ value: null });
    expect(breaker.state).toBe('closed');
    inner.mode = 'up';
    await breaker.set('s', { back: true }, 1000);
    expect(await breaker.get('s')).toEqual({ back: true });
    expect(transitions()).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('a failed probe opens it for another full cool-down', async () => {
    const { breaker, inner, changes, transitions, advance } = setup(3, 10_000);
    inner.mode = 'down';
    await failTimes(breaker, 3);
    advance(10_000);
    const probeError = await outcome(breaker.get('s'));
    // The probe really went to the store: its own error, not a fail-fast one.
    expect((probeError as Error).constructor).toBe(StoreUnavailableError);
    expect(breaker.state).toBe('open');
    expect(breaker.retryAfterMs()).toBe(10_000);
    expect(changes.at(-1)).toMatchObject({ from: 'half-open', to: 'open', failures: 4, retryAfterMs: 10_000 });

    const reached = inner.calls;
    advance(5_000);
    expect(await outcome(breaker.get('s'))).toBeInstanceOf(StoreCircuitOpenError);
    expect(inner.calls).toBe(reached);
    expect(transitions()).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
  });

  it('conflicts and bugs are not outages: they never open it', async () => {
    const { breaker, inner } = setup(2);
    for (const mode of ['conflict', 'bug'] as const) {
      inner.mode = mode;
      const errors = await failTimes(breaker, 5);
      expect(breaker.state).toBe('closed');
      for (const err of errors) expect(err).toBeInstanceOf(mode === 'conflict' ? StoreConflictError : TypeError);
    }
    // A conflict is an answer from the store: it also resets the count of outages.
    inner.mode = 'down';
    await failTimes(breaker, 1);
    inner.mode = 'conflict';
    await failTimes(breaker, 1);
    inner.mode = 'down';
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('a probe that hits a bug frees the probe slot: the next call probes', async () => {
    const { breaker, inner, advance } = setup(2, 1000);
    inner.mode = 'down';
    await failTimes(breaker, 2);
    advance(1000);
    inner.mode = 'bug';
    expect(await outcome(breaker.get('s'))).toBeInstanceOf(TypeError);
    expect(breaker.state).toBe('half-open');
    inner.mode = 'up';
    expect(await outcome(breaker.get('s'))).toEqual({ value: null });
    expect(breaker.state).toBe('closed');
  });

  it('calls already waiting when it opens fail as fail-fast errors, so they are not logged one by one', async () => {
    const { breaker, inner, changes } = setup(3);
    inner.mode = 'hang';
    const pending = Array.from({ length: 10 }, () => outcome(breaker.get('s')));
    inner.release(false); // all ten time out together
    const errors = await Promise.all(pending);
    const names = errors.map((e) => (e as Error).constructor.name);
    expect(names).toEqual([...Array(3).fill('StoreUnavailableError'), ...Array(7).fill('StoreCircuitOpenError')]);
    expect((errors[9] as Error).cause).toBeInstanceOf(StoreUnavailableError);
    expect(changes).toHaveLength(1);
  });

  it('a late answer from before it opened closes it: the store is reachable', async () => {
    const { breaker, inner, transitions } = setup(2);
    inner.mode = 'hang';
    const slow = outcome(breaker.get('s'));
    inner.mode = 'down';
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('open');
    inner.release(true);
    expect(await slow).toEqual({ value: null });
    expect(breaker.state).toBe('closed');
    expect(transitions()).toEqual(['closed->open', 'open->closed']);
  });

  it('rejects a threshold below 1 and a cool-down that is not positive', () => {
    const inner = new SwitchableStore();
    expect(() => new CircuitBreakerStore(inner, { threshold: 0 })).toThrow(/threshold must be a whole number ≥ 1, got 0/);
    expect(() => new CircuitBreakerStore(inner, { threshold: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreakerStore(inner, { cooldownMs: 0 })).toThrow(/cool-down must be a positive number of ms/);
    expect(() => new CircuitBreakerStore(inner, { cooldownMs: Number.NaN })).toThrow(RangeError);
  });

  it('defaults: 5 outages, 5 s; close() closes the store under it', async () => {
    const inner = new SwitchableStore();
    const breaker = new CircuitBreakerStore(inner);
    expect([breaker.threshold, breaker.cooldownMs]).toEqual([5, 5000]);
    await breaker.close!();
  });
});
