import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha1 } from '../src/hmac-sha1.js';

const reference = (key: Uint8Array, data: string | Uint8Array) =>
  createHmac('sha1', key).update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('hex');

/** A random string mixing ASCII, 2- to 4-byte UTF-8 characters and lone surrogates. */
function randomText(length: number): string {
  const pool = ['a', 'Z', '.', '-', '_', 'é', 'ß', '€', '漢', '😀', '\ud800', '\udfff', '\0', '\n'];
  let s = '';
  while (s.length < length) s += Math.random() < 0.7 ? String.fromCharCode(32 + Math.floor(Math.random() * 95)) : pool[Math.floor(Math.random() * pool.length)];
  return s;
}

describe('HmacSha1', () => {
  it('matches RFC 2202 test case 2 ("Jefe")', () => {
    const mac = new HmacSha1(Buffer.from('Jefe'));
    expect(mac.digestString('what do ya want for nothing?').toString('hex')).toBe('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
  });

  it('matches node:crypto at every length around the block and padding boundaries', () => {
    const key = randomBytes(20);
    const mac = new HmacSha1(key);
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      expect(mac.digest(bytes).toString('hex'), `length ${n}`).toBe(reference(key, bytes));
      const text = 'x'.repeat(n);
      expect(mac.digestString(text).toString('hex'), `text length ${n}`).toBe(reference(key, text));
    }
  });

  it('matches node:crypto for 3 000 random keys (0 to 200 bytes, so some are hashed first) and texts', () => {
    for (let i = 0; i < 3000; i++) {
      const key = randomBytes(Math.floor(Math.random() * 201));
      const text = randomText(Math.floor(Math.random() * 400));
      expect(new HmacSha1(key).digestString(text).toString('hex'), JSON.stringify({ key: key.toString('hex'), text })).toBe(reference(key, text));
    }
  });

  it('interleaves keys without sharing state, and handles messages larger than its kept scratch buffer', () => {
    const a = randomBytes(20);
    const b = randomBytes(64);
    const macA = new HmacSha1(a);
    const macB = new HmacSha1(b);
    const big = randomText(700_000); // up to 2.1 MB of UTF-8: more than the 1 MiB scratch kept
    expect(macA.digestString(big).toString('hex')).toBe(reference(a, big));
    expect(macB.digestString('short').toString('hex')).toBe(reference(b, 'short'));
    expect(macA.digestString('short').toString('hex')).toBe(reference(a, 'short'));
    expect(macB.digestString(big).toString('hex')).toBe(reference(b, big));
  });

  it('returns a fresh Buffer each time, unaffected by later MACs', () => {
    const mac = new HmacSha1(Buffer.from('k'));
    const first = mac.digestString('one');
    const copy = Buffer.from(first);
    mac.digestString('two');
    expect(first.equals(copy)).toBe(true);
  });
});
