import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '../src/base64.js';
import { BadData, BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from '../src/errors.js';
import { Signer, TimestampSigner, decodeTimestamp, encodeTimestamp } from '../src/signer.js';
import { URLSafeTimedSerializer } from '../src/url-safe-timed-serializer.js';
import { SessionCookieSerializer } from '../src/cookie-serializer.js';

const flask = (secretKey: string, fallbacks: string[] = []) => new SessionCookieSerializer({ secretKey, fallbacks });
const NOW = 1_800_000_000;

describe('Signer', () => {
  it('matches itsdangerous defaults (django-concat, salt itsdangerous.Signer)', () => {
    // python3 -c "import itsdangerous; print(itsdangerous.Signer('secret-key').sign('my string'))"
    expect(new Signer({ secretKeys: 'secret-key' }).sign('my string')).toBe('my string.wh6tMHxLgJqB6oY1uT73iMlyrOA');
  });

  // Made with: python3 -c "import hashlib, itsdangerous; print(itsdangerous.Signer(secret, salt=salt,
  //   key_derivation=method, digest_method=getattr(hashlib, digest)).sign(value))" (itsdangerous 2.2)
  it.each([
    ['secret-key', 'cookie-session', 'hmac', 'sha1', 'eyJ1c2VybmFtZSI6ImFkbWluIn0.awO0JA', 'A1RR0S8c0oWWTEAoGIWps0x6zao'],
    ['Jefe', 'itsdangerous.Signer', 'django-concat', 'sha1', 'what do ya want for nothing?', '-AtDT8PekHUPKJ7BwizUz_bhPuo'],
    ['k'.repeat(100), 'flask-session', 'hmac', 'sha1', 'x'.repeat(200), 'w8EwhT6tkXXs62l740fMHOjxglk'],
    ['clé-秘密', 'sel', 'concat', 'sha256', 'déjà vu 😀', 'Bp_ljngVZIFrwe4IyrZSDqQuDJBmWGDn7vFfSJS_e3k'],
    ['raw', 'ignored', 'none', 'sha512', '', 'QUqk5SjzJfylo_jF7s8FA0DbNVf35NQciqcVRmj_CVJ_l0_nTlt68YdJiiWYQyU6npEtt89QiBhThkoT-k2CYw'],
  ] as const)('signs as itsdangerous: key %#, salt %s, %s, %s', (secret, salt, keyDerivation, digest, value, signature) => {
    const signer = new Signer({ secretKeys: secret, salt, keyDerivation, digest });
    expect(signer.sign(value)).toBe(`${value}.${signature}`);
    expect(signer.unsign(`${value}.${signature}`)).toBe(value);
  });

  it('is HMAC over the derived key, as node:crypto computes it (random keys, salts and texts)', () => {
    const text = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(randomInt(3) ? 32 + randomInt(95) : 0xa0 + randomInt(0x2000))).join('');
    for (let i = 0; i < 500; i++) {
      const secret = randomBytes(randomInt(0, 200)); // past 64 bytes too, where HMAC hashes the key first
      const salt = text(randomInt(0, 20));
      const value = text(randomInt(0, 300));
      const hmacKey = createHmac('sha1', secret).update(salt).digest();
      const expected = createHmac('sha1', hmacKey).update(value, 'utf8').digest('base64url');
      expect(new Signer({ secretKeys: secret, salt, keyDerivation: 'hmac' }).getSignature(value)).toBe(expected);
      const concatKey = createHash('sha256').update(salt).update('signer').update(secret).digest();
      const expected256 = createHmac('sha256', concatKey).update(value, 'utf8').digest('base64url');
      expect(new Signer({ secretKeys: secret, salt, digest: 'sha256' }).getSignature(value)).toBe(expected256);
    }
  });

  it('verifies with any key, signs with the first', () => {
    const old = new Signer({ secretKeys: 'old', salt: 's' });
    const both = new Signer({ secretKeys: ['new', 'old'], salt: 's' });
    expect(both.unsign(old.sign('v'))).toBe('v');
    expect(old.validate(both.sign('v'))).toBe(false);
    expect(() => new Signer({ secretKeys: 'x', sep: '-' })).toThrow(TypeError);
  });

  it('encodes timestamps as big-endian bytes without leading zeros', () => {
    expect(encodeTimestamp(0)).toBe('');
    expect(encodeTimestamp(255)).toBe('_w');
    expect(encodeTimestamp(256)).toBe('AQA');
    expect(decodeTimestamp(encodeTimestamp(1795404836))).toBe(1795404836);
    expect(decodeTimestamp('AAAAAAAAAAAA')).toBeNull(); // 9 bytes: malformed, as itsdangerous
  });

  it('raises the itsdangerous error for each failure', () => {
    const s = new TimestampSigner({ secretKeys: 'k' });
    const good = s.sign('payload', NOW);
    expect(s.unsign(good, { maxAge: 5, now: NOW + 5 })).toBe('payload');
    expect(() => s.unsign(good, { maxAge: 5, now: NOW + 6 })).toThrow(SignatureExpired);
    expect(() => s.unsign(good, { maxAge: 5, now: NOW - 1 })).toThrow(SignatureExpired);
    expect(() => s.unsign('no-separator')).toThrow(BadSignature);
    expect(() => s.unsign('a.' + good.split('.').slice(1).join('.'))).toThrow(BadTimeSignature);
    const noTs = new Signer({ secretKeys: 'k', salt: 'itsdangerous.Signer' }).sign('x');
    expect(() => s.unsign(noTs)).toThrow(/timestamp missing/);
  });
});

describe('Flask cookie decoding is total', () => {
  const s = flask('secret');
  const good = s.dumps({ user: 'ann' }, NOW);
  const sign = (payload: string) => new TimestampSigner({ secretKeys: 'secret', salt: 'cookie-session', keyDerivation: 'hmac' }).sign(payload, NOW);

  const expectOnly = (cookie: string, type: new (...a: never[]) => BadData = BadData) => {
    let thrown: unknown;
    try {
      s.loads(cookie, { maxAge: 3600, now: NOW });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(type);
  };

  it('rejects tampered, truncated, re-padded and non-base64 cookies', () => {
    expectOnly(good.replace('eyJ1', 'eyJ2'), BadSignature);
    for (let i = 1; i < good.length; i++) expectOnly(good.slice(0, i), BadSignature);
    expectOnly(good + '=', BadSignature);
    expectOnly(good.replace(/\.([^.]*)$/, '.$1=='), BadSignature);
    expectOnly(good.replace(/\.([^.]*)$/, '.+$1'), BadSignature);
    expectOnly('é' + good, BadSignature);
    expectOnly('x'.repeat(100_000), BadSignature);
  });

  it('rejects a validly signed payload that is not JSON, not base64, not zlib or not an object', () => {
    expectOnly(sign(base64urlEncode('not json')), BadPayload);
    expectOnly(sign('!!!'), BadPayload);
    expectOnly(sign('.' + base64urlEncode('not zlib')), BadPayload);
    expectOnly(sign(base64urlEncode('[1,2]')), BadPayload);
    expectOnly(sign(base64urlEncode(Buffer.from([0xff, 0xfe]))), BadPayload);
    expectOnly(sign(base64urlEncode('{"x":{" u":"bad"}}')), BadPayload);
  });

  it('caps decompression (zlib bomb)', () => {
    const bomb = deflateSync(Buffer.from(`{"a":"${'a'.repeat(5 * 1024 * 1024)}"}`), { level: 9 });
    expect(bomb.length).toBeLessThan(16 * 1024);
    expectOnly(sign('.' + base64urlEncode(bomb)), BadPayload);
  });

  it('throws only typed errors for 1000 random strings and mutations', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/é\u0000';
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(1 + (i % 120));
      let cookie = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
      if (i % 3 === 0) {
        // Mutate one character of a real cookie instead.
        const at = bytes[0]! % good.length;
        cookie = good.slice(0, at) + alphabet[bytes[1]! % alphabet.length] + good.slice(at + 1);
        if (cookie === good) continue;
      }
      expectOnly(cookie);
    }
  });

  it('rotates keys: signs with SECRET_KEY, accepts fallbacks', () => {
    const old = flask('old').dumps({ n: 1 }, NOW);
    const rotated = flask('new', ['old']);
    expect(rotated.loads(old, { now: NOW, maxAge: 60 })).toEqual({ n: 1 });
    const fresh = rotated.dumps({ n: 2 }, NOW);
    expect(flask('new').loads(fresh, { now: NOW, maxAge: 60 })).toEqual({ n: 2 });
    expect(() => flask('old').loads(fresh, { now: NOW, maxAge: 60 })).toThrow(BadSignature);
  });

  it('works with a plain JSON URLSafeTimedSerializer too', () => {
    const u = new URLSafeTimedSerializer({ secretKeys: 'k' });
    expect(u.loads(u.dumps({ a: [1, 2] }, NOW), { now: NOW, maxAge: 1 })).toEqual({ a: [1, 2] });
  });
});
