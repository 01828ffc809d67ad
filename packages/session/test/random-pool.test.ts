import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../src/random-pool.js';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const b = pooledRandomBytes(12);
      expect(b.length).toBe(12);
      const hex = b.toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
    // Earlier results are not overwritten when the pool is replaced.
    const first = pooledRandomBytes(32);
    const copy = Buffer.from(first);
    for (let i = 0; i < 500; i++) pooledRandomBytes(32);
    expect(first.equals(copy)).toBe(true);
    expect(pooledRandomBytes(1000).length).toBe(1000);
  });
});
