import { CompactEncrypt, compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { BadData, BadPayload, BadSignature, SignatureExpired } from '../src/errors.js';
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

  it('prints ops/sec against jose (figures for the report; no assertion on speed)', async () => {
    const data = { user_id: 42, username: 'ann', csrf: 'x'.repeat(32), _permanent: true };
    const plaintext = new TextEncoder().encode(dumps(data));
    const k = new Uint8Array(key);
    const N = 3000;
    let t = performance.now();
    for (let i = 0; i < N; i++) codec.decrypt(codec.encrypt(data, NOW), { now: NOW, maxAge: 60 });
    const ours = N / ((performance.now() - t) / 1000);
    t = performance.now();
    for (let i = 0; i < N; i++) {
      const jwe = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, iat: NOW }).encrypt(k);
      await compactDecrypt(jwe, k);
    }
    const theirs = N / ((performance.now() - t) / 1000);
    console.log(`JWE encrypt+decrypt ops/sec: micro ${Math.round(ours)}, jose ${Math.round(theirs)} (x${(ours / theirs).toFixed(1)})`);
    expect(ours).toBeGreaterThan(0);
  });
});
