/**
 * Is the npm package `itsdangerous.js` (1.1.5) compatible with Flask's session
 * cookies, and how fast is it next to our node:crypto codec? Figures are
 * printed for the report; nothing here asserts speed.
 */
import { readFileSync } from 'node:fs';
import { URLSafeTimedSerializer as JsSerializer, BadSignature as JsBadSignature, BadData as JsBadData } from 'itsdangerous.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionCookieSerializer } from '../src/cookie-serializer.js';
import { deflateSync } from 'node:zlib';
import { base64urlEncode } from '../src/base64.js';
import { BadData, BadPayload } from '../src/errors.js';
import { TimestampSigner } from '../src/signer.js';
import { dumps } from '../src/tagged-json.js';

interface Valid { name: string; secret: string; cookie: string; signed_at: number; session_tagged_json: string }
const vectors = JSON.parse(readFileSync(new URL('../../../../shared/vectors/flask-session-cookies.json', import.meta.url), 'utf8')) as {
  valid: Valid[];
  invalid: { name: string; secret: string; cookie: string }[];
};
const MAX_AGE = 31 * 24 * 3600;

// Pass tagged JSON text through untouched, so only signing and framing are compared.
const text = { stringify: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)), parse: (t: string) => t };
const flaskLike = (secret: string | string[]) =>
  new JsSerializer({ secretKey: secret, salt: 'cookie-session', serializer: text, signerOpts: { keyDerivation: 'hmac' as never, digestMethod: 'sha1' } });

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof JsBadSignature ? 'BadSignature' : err instanceof JsBadData ? 'BadData' : `${(err as Error).name} (untyped)`;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('itsdangerous.js 1.1.5 against the Flask vectors', () => {
  it('verifies every valid vector and signs the uncompressed ones byte for byte', () => {
    const rows: string[] = [];
    for (const v of vectors.valid) {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(v.signed_at * 1000);
      const s = flaskLike(v.secret);
      const read = s.parse(v.cookie, undefined, MAX_AGE) as string;
      const signed = String(s.stringify(v.session_tagged_json));
      rows.push(`${v.name}: verify ${read === v.session_tagged_json ? 'ok' : 'WRONG'}, sign ${signed === v.cookie ? 'identical' : 'differs'}`);
      expect(read).toBe(v.session_tagged_json);
      // Same node:zlib as ours: only uncompressed cookies are byte-identical to Python's.
      if (!v.cookie.startsWith('.')) expect(signed).toBe(v.cookie);
    }
    console.log('itsdangerous.js vs Flask vectors:\n  ' + rows.join('\n  '));
  });

  it('rejects the invalid vectors, but not always with its own error types', () => {
    const rows = vectors.invalid.map((v) => `${v.name}: ${outcome(() => flaskLike(v.secret).parse(v.cookie, undefined, MAX_AGE))}`);
    console.log('itsdangerous.js on invalid vectors:\n  ' + rows.join('\n  '));
    for (const row of rows) expect(row).not.toMatch(/accepted/);
  });

  it('throws untyped errors on some malformed input where ours throws only BadData', () => {
    const ours = new SessionCookieSerializer({ secretKey: 'k' });
    const good = ours.dumps({ a: 1 }, 1_800_000_000);
    const samples = [good.slice(0, -3), good + 'AAAA', 'a.b.c', '.!!!.x.y', good.replace(/^[^.]+/, '.eJzLSM3JyQcABiwCFQ')];
    const theirs = samples.map((c) => outcome(() => flaskLike('k').parse(c, undefined, MAX_AGE)));
    console.log('itsdangerous.js on malformed cookies: ' + theirs.join(', '));
    for (const c of samples) expect(() => ours.loads(c, { maxAge: MAX_AGE, now: 1_800_000_000 })).toThrow(BadData);
    expect(theirs.every((o) => o !== 'accepted')).toBe(true);
  });

  it('has no cap on decompressed size (zlib bomb), where ours rejects', () => {
    const signer = new TimestampSigner({ secretKeys: 'k', salt: 'cookie-session', keyDerivation: 'hmac' });
    const bomb = signer.sign('.' + base64urlEncode(deflateSync(Buffer.from(`"${'a'.repeat(8 * 1024 * 1024)}"`), { level: 9 })), 1_800_000_000);
    expect(bomb.length).toBeLessThan(16 * 1024);
    const inflated = flaskLike('k').parse(bomb) as string;
    console.log(`itsdangerous.js inflates a ${bomb.length}-char cookie to ${inflated.length} characters`);
    expect(inflated.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(() => new SessionCookieSerializer({ secretKey: 'k' }).loads(bomb)).toThrow(BadPayload);
  });

  it('prints sign+verify ops/sec of both (no assertion on speed)', () => {
    const data = { user_id: 42, username: 'ann', csrf: 'x'.repeat(32), _permanent: true };
    const json = dumps(data);
    const ours = new SessionCookieSerializer({ secretKey: 'a long and random secret key' });
    const theirs = flaskLike('a long and random secret key');
    const N = 5000;
    const bench = (fn: () => void): number => {
      for (let i = 0; i < 500; i++) fn();
      const t = performance.now();
      for (let i = 0; i < N; i++) fn();
      return Math.round(N / ((performance.now() - t) / 1000));
    };
    // Best of three rounds, interleaved, so warm-up and GC do not favour either.
    let a = 0;
    let b = 0;
    for (let round = 0; round < 3; round++) {
      a = Math.max(a, bench(() => void ours.loads(ours.dumps(data), { maxAge: MAX_AGE })));
      b = Math.max(b, bench(() => void theirs.parse(theirs.stringify(json), undefined, MAX_AGE)));
    }
    console.log(`Flask cookie sign+verify ops/sec (${json.length}-byte session): micro ${a} (incl. tagged JSON), itsdangerous.js ${b} (tagged JSON text passed through)`);
    expect(a).toBeGreaterThan(0);
  });
});
