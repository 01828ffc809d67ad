/** onceUntilFailure (the MongoDB stores' index creation): one run shared by all callers, run again only after a failure. */
import { describe, expect, it } from 'vitest';
import { onceUntilFailure } from '../../src/stores/mongo-store.js';

describe('onceUntilFailure', () => {
  it('runs once for concurrent and later callers after it succeeded', async () => {
    let runs = 0;
    const ready = onceUntilFailure(async () => void runs++);
    await Promise.all([ready(), ready(), ready()]);
    await ready();
    expect(runs).toBe(1);
  });

  it('shares a failure with the callers waiting on it, then runs again on the next call', async () => {
    let runs = 0;
    const ready = onceUntilFailure(async () => {
      runs++;
      if (runs === 1) throw new Error('server down');
    });
    const results = await Promise.allSettled([ready(), ready()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    await ready();
    await ready();
    expect(runs).toBe(2);
  });
});
