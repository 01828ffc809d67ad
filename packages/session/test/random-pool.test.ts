import { describe, expect, it } from 'vitest';
import { RandomPool, nonceRandom, secretRandom } from '../src/random-pool.js';

/** The pool's own memory, to check nothing handed out shares it. */
const memoryOf = (pool: RandomPool) => (pool as unknown as { pool: Buffer }).pool.buffer;

/** Share of 1 bits: about 0.5 for random bytes, far off for zeros or a repeated fill. */
function oneBits(chunks: Buffer[]): number {
  let ones = 0;
  let bits = 0;
  for (const chunk of chunks) {
    for (const byte of chunk) for (let b = byte; b; b >>= 1) ones += b & 1;
    bits += chunk.length * 8;
  }
  return ones / bits;
}

describe('RandomPool', () => {
  it('never hands out the same bytes twice, across many in-place refills', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const id = pool.base64url(16);
      const iv = pool.bytes(12).toString('hex');
      expect(seen.has(id) || seen.has(iv)).toBe(false);
      seen.add(id).add(iv);
    }
  });

  it('hands out copies: a nonce never shares memory with a pool, and keeps its bytes when the pool refills', () => {
    const pool = new RandomPool();
    const first = pool.bytes(24);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) expect(pool.bytes(24).buffer).not.toBe(memoryOf(pool));
    expect(first.equals(copy)).toBe(true);
    expect(first.buffer).not.toBe(memoryOf(pool));
  });

  it('keeps secrets and public nonces in two pools', () => {
    expect(secretRandom).not.toBe(nonceRandom);
    expect(memoryOf(secretRandom)).not.toBe(memoryOf(nonceRandom));
    expect(nonceRandom.bytes(12).buffer).not.toBe(memoryOf(secretRandom));
  });

  it('gives base64url text of the asked size, and random-looking bytes', () => {
    const id = secretRandom.base64url(32);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    const ids = Array.from({ length: 2000 }, () => Buffer.from(secretRandom.base64url(32), 'base64url'));
    const ivs = Array.from({ length: 2000 }, () => nonceRandom.bytes(32));
    expect(oneBits(ids)).toBeCloseTo(0.5, 2);
    expect(oneBits(ivs)).toBeCloseTo(0.5, 2);
  });

  it('draws requests larger than 256 bytes directly', () => {
    const pool = new RandomPool();
    expect(pool.bytes(1000)).toHaveLength(1000);
    expect(Buffer.from(pool.base64url(1000), 'base64url')).toHaveLength(1000);
    expect(pool.bytes(0)).toHaveLength(0);
  });
});
