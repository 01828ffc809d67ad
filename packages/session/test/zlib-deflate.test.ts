import { randomBytes } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { deflate } from 'pako';
import { describe, expect, it } from 'vitest';
import { deflateAtMost } from '../src/zlib-deflate.js';

/** Text-like input: runs of a small alphabet with repeats, so some of it compresses. */
function sample(seed: Buffer): Buffer {
  const length = seed.readUInt16BE(0) % 6000;
  const alphabet = seed[2]! % 2 ? 'abcdefghij{}":,_0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const noise = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += noise[i]! % 7 === 0 && out.length > 20 ? out.slice(-(noise[i]! % 20) - 1) : alphabet[noise[i]! % alphabet.length];
  }
  return Buffer.from(out.slice(0, length));
}

describe('deflateAtMost: one reused zlib stream', () => {
  it('gives the same bytes as a fresh pako.deflate (zlib 1.2), in any order of calls', () => {
    for (let i = 0; i < 300; i++) {
      const input = i % 10 === 0 ? randomBytes(i * 7) : sample(randomBytes(3));
      const fresh = deflate(input, { level: 6 });
      const limit = i % 3 === 0 ? fresh.length + 100 : input.length - 2;
      const reused = deflateAtMost(input, limit);
      if (fresh.length <= limit) {
        expect(reused && Buffer.from(reused).equals(Buffer.from(fresh))).toBe(true);
        expect(inflateSync(reused!).equals(input)).toBe(true);
      } else {
        expect(reused).toBeNull();
      }
    }
  });

  it('returns null when the result would not fit', () => {
    const input = randomBytes(200);
    expect(deflateAtMost(input, 198)).toBeNull();
    expect(deflateAtMost(input, 0)).toBeNull();
    expect(deflateAtMost(Buffer.from('a'.repeat(1000)), 998)!.length).toBe(deflate('a'.repeat(1000), { level: 6 }).length);
  });
});
