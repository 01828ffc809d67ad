import { randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BadData, BadPayload, BadSignature, SignatureExpired } from '../src/errors.js';
import { contentCipher } from '../src/content-cipher.js';
import { JweCookieCodec, deriveEncryptionKey } from '../src/jwe.js';
import { tuple } from '../src/tuple.js';
import { dumps } from '../src/tagged-json.js';

const NOW = 1_800_000_000;
const codec = new JweCookieCodec({ secretKey: 'jwe-secret' });
const { key, kid } = deriveEncryptionKey('jwe-secret');

async function joseEncrypt(plaintext: string, header: Record<string, unknown>): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', ...header })
    .encrypt(new Uint8Array(key));
}

describe('JWE cookie codec', () => {
  it('jose decrypts our tokens', async () => {
    const token = codec.encrypt({ user: 'ann', flashes: [tuple('message', 'hi')] }, NOW);
    const { plaintext, protectedHeader } = await compactDecrypt(token, new Uint8Array(key));
    expect(new TextDecoder().decode(plaintext)).toBe('{"flashes":[{" t":["message","hi"]}],"user":"ann"}');
    expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256GCM', kid, iat: NOW });
  });

  it("we decrypt jose's tokens", async () => {
    const token = await joseEncrypt('{"user":"bob","n":{" t":[1,2]}}', { kid, iat: NOW });
    const data = codec.decrypt(token, { maxAge: 60, now: NOW + 60 });
    expect(dumps(data)).toBe('{"n":{" t":[1,2]},"user":"bob"}');
  });

  it('uses a fresh IV per token', () => {
    expect(codec.encrypt({ a: 1 }, NOW)).not.toBe(codec.encrypt({ a: 1 }, NOW));
  });

  it('rotates keys by kid', () => {
    const old = new JweCookieCodec({ secretKey: 'old' }).encrypt({ a: 1 }, NOW);
    const rotated = new JweCookieCodec({ secretKey: 'new', fallbacks: ['older', 'old'] });
    expect(rotated.decrypt(old, { now: NOW })).toEqual({ a: 1 });
    expect(() => new JweCookieCodec({ secretKey: 'new' }).decrypt(old)).toThrow(/unknown key/);
    expect(deriveEncryptionKey('old').kid).not.toBe(deriveEncryptionKey('new').kid);
  });

  it('expires by iat and rejects future tokens', () => {
    const token = codec.encrypt({ a: 1 }, NOW);
    expect(codec.decrypt(token, { maxAge: 10, now: NOW + 10 })).toEqual({ a: 1 });
    expect(() => codec.decrypt(token, { maxAge: 10, now: NOW + 11 })).toThrow(SignatureExpired);
    expect(() => codec.decrypt(token, { maxAge: 10, now: NOW - 1 })).toThrow(SignatureExpired);
  });

  it('rejects tampering anywhere, with typed errors only', async () => {
    const token = codec.encrypt({ user: 'ann' }, NOW);
    const parts = token.split('.');
    // A changed iat in the header must fail authentication (header is the AAD).
    const forged = Buffer.from(`{"alg":"dir","enc":"A256GCM","kid":"${kid}","iat":${NOW + 1000}}`).toString('base64url');
    expect(() => codec.decrypt([forged, ...parts.slice(1)].join('.'))).toThrow(BadSignature);
    for (let i = 0; i < token.length; i++) {
      for (const c of ['A', '_', '.', '=']) {
        const t = token.slice(0, i) + c + token.slice(i + 1);
        if (t === token) continue;
        expect(() => codec.decrypt(t, { now: NOW })).toThrow(BadData);
      }
    }
    for (const t of ['', 'a.b.c.d.e', '....', token + '.x', token.slice(0, -3)]) expect(() => codec.decrypt(t)).toThrow(BadSignature);
    const other = await joseEncrypt('{"a":1}', { kid, iat: NOW, alg: 'dir', enc: 'A128GCM' }).catch(() => 'x');
    expect(() => codec.decrypt(other)).toThrow(BadSignature);
    const notObject = await joseEncrypt('[1]', { kid, iat: NOW });
    expect(() => codec.decrypt(notObject)).toThrow(BadPayload);
  });

  describe('decrypt cache (tokens already authenticated)', () => {
    afterEach(() => vi.restoreAllMocks());

    it('decrypts a token sent again only once, and hands out a fresh object each time', () => {
      const cached = new JweCookieCodec({ secretKey: 'jwe-secret' });
      const token = cached.encrypt({ user: 'ann', cart: [1] }, NOW);
      const decrypt = vi.spyOn(contentCipher('A256GCM'), 'decrypt');
      const first = cached.decrypt(token, { now: NOW });
      (first.cart as number[]).push(2);
      first.user = 'eve';
      expect(cached.decrypt(token, { now: NOW })).toEqual({ user: 'ann', cart: [1] });
      expect(decrypt).toHaveBeenCalledTimes(1);
      const off = new JweCookieCodec({ secretKey: 'jwe-secret', decryptCacheSize: 0 });
      off.decrypt(token, { now: NOW });
      off.decrypt(token, { now: NOW });
      expect(decrypt).toHaveBeenCalledTimes(3);
    });

    it('checks the age on every hit', () => {
      const cached = new JweCookieCodec({ secretKey: 'jwe-secret' });
      const token = cached.encrypt({ a: 1 }, NOW);
      expect(cached.decrypt(token, { maxAge: 10, now: NOW + 10 })).toEqual({ a: 1 });
      expect(() => cached.decrypt(token, { maxAge: 10, now: NOW + 11 })).toThrow(SignatureExpired);
      expect(() => cached.decrypt(token, { maxAge: 10, now: NOW - 1 })).toThrow(SignatureExpired);
      expect(cached.decrypt(token, { now: NOW + 1e6 })).toEqual({ a: 1 });
    });

    it('never lets a tampered copy of a remembered token through', () => {
      const cached = new JweCookieCodec({ secretKey: 'jwe-secret' });
      const token = cached.encrypt({ user: 'ann' }, NOW);
      expect(cached.decrypt(token, { now: NOW })).toEqual({ user: 'ann' });
      for (let i = 0; i < token.length; i++) {
        const t = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
        expect(() => cached.decrypt(t, { now: NOW })).toThrow(BadData);
      }
      expect(() => cached.decrypt(`${token} `, { now: NOW })).toThrow(BadData);
    });

    it('keeps at most its size, dropping the oldest', () => {
      const cached = new JweCookieCodec({ secretKey: 'jwe-secret', decryptCacheSize: 2 });
      const decrypt = vi.spyOn(contentCipher('A256GCM'), 'decrypt');
      const [a, b, c] = [1, 2, 3].map((n) => cached.encrypt({ n }, NOW)) as [string, string, string];
      for (const t of [a, b, c, c, b]) cached.decrypt(t, { now: NOW });
      expect(decrypt).toHaveBeenCalledTimes(3); // c and b were remembered
      cached.decrypt(a, { now: NOW });
      expect(decrypt).toHaveBeenCalledTimes(4); // a was dropped when c came in
    });

    it('remembers nothing that failed', () => {
      const cached = new JweCookieCodec({ secretKey: 'jwe-secret' });
      const decrypt = vi.spyOn(contentCipher('A256GCM'), 'decrypt');
      const token = cached.encrypt({ a: 1 }, NOW);
      expect(() => cached.decrypt(token, { maxAge: 1, now: NOW + 5 })).toThrow(SignatureExpired);
      expect(cached.decrypt(token, { now: NOW })).toEqual({ a: 1 });
      expect(decrypt).toHaveBeenCalledTimes(2);
    });

    it('rejects a size that is not a whole number ≥ 0', () => {
      for (const size of [-1, 1.5, Number.NaN]) {
        expect(() => new JweCookieCodec({ secretKey: 'k', decryptCacheSize: size })).toThrow(RangeError);
      }
    });
  });

  describe('XC20P (XChaCha20-Poly1305 through sodium-native)', () => {
    const xcodec = new JweCookieCodec({ secretKey: 'jwe-secret', enc: 'XC20P' });
    const xkey = deriveEncryptionKey('jwe-secret', 'XC20P').key;

    function nobleEncrypt(plaintext: string, header: Record<string, unknown>): string {
      const h = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'XC20P', kid, iat: NOW, ...header })).toString('base64url');
      const nonce = randomBytes(24);
      const sealed = xchacha20poly1305(xkey, nonce, Buffer.from(h, 'ascii')).encrypt(Buffer.from(plaintext));
      const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
      return `${h}..${b64(nonce)}.${b64(sealed.subarray(0, -16))}.${b64(sealed.subarray(-16))}`;
    }

    it('says which encryption it writes', () => {
      expect(xcodec.enc).toBe('XC20P');
      expect(codec.enc).toBe('A256GCM');
    });

    it('derives a key of its own for the same secret; the kid stays the same', () => {
      expect(xkey.equals(key)).toBe(false);
      expect(deriveEncryptionKey('jwe-secret', 'XC20P').kid).toBe(kid);
    });

    it('we decrypt tokens sealed by @noble/ciphers, and each codec reads both encryptions', () => {
      const token = nobleEncrypt('{"user":"bob"}', {});
      expect(xcodec.decrypt(token, { now: NOW })).toEqual({ user: 'bob' });
      expect(codec.decrypt(token, { now: NOW })).toEqual({ user: 'bob' });
      expect(xcodec.decrypt(codec.encrypt({ a: 1 }, NOW))).toEqual({ a: 1 });
    });

    it('rotates keys by kid', () => {
      const old = new JweCookieCodec({ secretKey: 'old', enc: 'XC20P' }).encrypt({ a: 1 }, NOW);
      expect(new JweCookieCodec({ secretKey: 'new', fallbacks: ['old'], enc: 'XC20P' }).decrypt(old, { now: NOW })).toEqual({ a: 1 });
      expect(() => new JweCookieCodec({ secretKey: 'new', enc: 'XC20P' }).decrypt(old)).toThrow(/unknown key/);
    });

    it('rejects tampering anywhere, a 12-byte IV and a forged iat, with typed errors only', () => {
      const token = xcodec.encrypt({ user: 'ann' }, NOW);
      for (let i = 0; i < token.length; i++) {
        for (const c of ['A', '_', '.']) {
          const t = token.slice(0, i) + c + token.slice(i + 1);
          if (t !== token) expect(() => xcodec.decrypt(t, { now: NOW })).toThrow(BadData);
        }
      }
      const parts = token.split('.');
      const shortIv = [...parts.slice(0, 2), Buffer.alloc(12).toString('base64url'), ...parts.slice(3)].join('.');
      expect(() => xcodec.decrypt(shortIv)).toThrow(/Malformed JWE parts/);
      const forged = Buffer.from(`{"alg":"dir","enc":"XC20P","kid":"${kid}","iat":${NOW + 1000}}`).toString('base64url');
      expect(() => xcodec.decrypt([forged, ...parts.slice(1)].join('.'))).toThrow(BadSignature);
      // The same bytes relabelled as A256GCM do not decrypt either.
      const relabelled = Buffer.from(`{"alg":"dir","enc":"A256GCM","kid":"${kid}","iat":${NOW}}`).toString('base64url');
      expect(() => xcodec.decrypt([relabelled, ...parts.slice(1)].join('.'))).toThrow(BadSignature);
    });

    it('rejects an unknown enc when built', () => {
      expect(() => new JweCookieCodec({ secretKey: 'k', enc: 'A128GCM' as never })).toThrow(/Unknown JWE content encryption "A128GCM"/);
    });
  });
});
