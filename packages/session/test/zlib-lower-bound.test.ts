import { randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zlibLowerBound } from '../src/zlib-lower-bound.js';

/** Short JSON-like payloads, some repetitive, some not, some with bytes ≥ 144. */
function randomPayload(): Buffer {
  const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'ab', '{}":,0123456789', 'aé漢😀"\\', 'xyzzy'];
  const alphabet = alphabets[randomInt(alphabets.length)]!;
  const length = randomInt(3, 200);
  let text = '';
  while (text.length < length) text += alphabet[randomInt(alphabet.length)];
  return Buffer.from(randomInt(2) ? `{"username":"${text}"}` : text);
}

describe('zlibLowerBound', () => {
  it('never exceeds the length node:zlib gives (5 000 random payloads and the common session shapes)', () => {
    const samples: Buffer[] = [
      Buffer.from('{"username":"bench"}'),
      Buffer.from('{"_permanent":true,"username":"ada"}'),
      Buffer.from('{"_flashes":[{" t":["message","Hi"]}]}'),
    ];
    for (let i = 0; i < 5000; i++) samples.push(randomPayload());
    let bounded = 0;
    for (const input of samples) {
      const bound = zlibLowerBound(input);
      if (bound > 0) bounded++;
      expect(bound).toBeLessThanOrEqual(deflateSync(input).length);
    }
    // The bound must also be useful, not trivially 0.
    expect(bounded).toBeGreaterThan(1000);
  });

  it('proves that a typical short session does not compress, and gives no bound for repetitive input', () => {
    const session = Buffer.from('{"username":"bench"}');
    expect(zlibLowerBound(session)).toBeGreaterThan(session.length - 2);
    expect(zlibLowerBound(Buffer.from('abcabcabcabc'))).toBe(0);
  });
});
