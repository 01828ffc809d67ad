import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from '../src/base64.js';

/** Canonical unpadded base64url: exactly what encoding the decoded bytes gives back. */
const isCanonical = (text: string) => /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;

describe('base64url', () => {
  it('round-trips random bytes of every length from 0 to 200', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = randomBytes(n);
      const text = base64urlEncode(bytes);
      expect(text).toBe(bytes.toString('base64url'));
      expect(base64urlDecode(text)?.equals(bytes), `length ${n}`).toBe(true);
    }
  });

  it('accepts exactly the canonical strings, and decodes them as node does (20 000 random strings)', () => {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_AQgw+/=.é\u0100\0 ';
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(Math.random() * 12);
      for (let j = 0; j < length; j++) text += chars[Math.floor(Math.random() * chars.length)];
      const decoded = base64urlDecode(text);
      expect(decoded !== null, JSON.stringify(text)).toBe(isCanonical(text));
      if (decoded) expect(decoded.equals(Buffer.from(text, 'base64url'))).toBe(true);
    }
  });

  it('rejects padding, the standard alphabet, non-zero trailing bits and impossible lengths', () => {
    for (const bad of ['YQ==', 'a+b/', 'YR', 'YWF', 'Y', 'YWJjZ', 'Y\u0100Jj', 'YWJ\u0141']) expect(base64urlDecode(bad), bad).toBeNull();
    expect(base64urlDecode('YQ')?.toString()).toBe('a');
    expect(base64urlDecode('YWI')?.toString()).toBe('ab');
    expect(base64urlDecode('')?.length).toBe(0);
  });
});
