import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SessionCookieSerializer, dumpsSessionCookie, loadsSessionCookie } from '../src/cookie-serializer.js';
import { BadData, BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from '../src/errors.js';
import { dumps, loads } from '../src/tagged-json.js';
import { base64urlDecode, base64urlEncode } from '../src/base64.js';
import { URLSafeTimedSerializer, encodePayload } from '../src/url-safe-timed-serializer.js';

interface Valid { name: string; secret: string; cookie: string; signed_at: number; session_tagged_json: string }
interface Invalid { name: string; secret: string; cookie: string }
const vectors = JSON.parse(readFileSync(new URL('../../../../shared/vectors/flask-session-cookies.json', import.meta.url), 'utf8')) as {
  valid: Valid[];
  invalid: Invalid[];
};
const MAX_AGE = 31 * 24 * 3600;

/** The payload's JSON text, whatever zlib produced it. */
function payloadText(cookie: string): string {
  const payload = cookie.slice(0, cookie.lastIndexOf('.', cookie.lastIndexOf('.') - 1));
  const raw = base64urlDecode(payload.startsWith('.') ? payload.slice(1) : payload)!;
  return (payload.startsWith('.') ? inflateSync(raw) : raw).toString('utf8');
}

/**
 * A cookie Flask leaves uncompressed is written byte for byte. One Flask
 * compresses is node:zlib's stream instead of CPython's (or plain, when zlib
 * saves under 10 bytes): same data, other bytes; Flask reads it (flask-reads-micro.json).
 */
function expectFlasksBytesUnlessCompressed(ours: string, flasks: string): void {
  if (flasks.startsWith('.')) expect(payloadText(ours)).toBe(payloadText(flasks));
  else expect(ours).toBe(flasks);
}

describe('Flask session cookie vectors', () => {
  it.each(vectors.valid.map((v) => [v.name, v] as const))('decodes and re-encodes %s', (_name, v) => {
    // The vectors were made outside an app context, so keys kept insertion order.
    const s = new SessionCookieSerializer({ secretKey: v.secret, sortKeys: false });
    const data = s.loads(v.cookie, { maxAge: MAX_AGE, now: v.signed_at });
    expect(dumps(data, { sortKeys: false })).toBe(v.session_tagged_json);
    const again = s.dumps(data, v.signed_at);
    expect(payloadText(again)).toBe(v.session_tagged_json);
    // Same timestamp part, and the round trip verifies.
    expect(again.split('.').at(-2)).toBe(v.cookie.split('.').at(-2));
    expect(dumps(s.loads(again, { maxAge: MAX_AGE, now: v.signed_at }), { sortKeys: false })).toBe(v.session_tagged_json);
    expectFlasksBytesUnlessCompressed(again, v.cookie);
  });

  it('covers compressed vectors', () => {
    expect(vectors.valid.filter((v) => v.cookie.startsWith('.')).length).toBeGreaterThan(0);
  });

  it.each(vectors.invalid.map((v) => [v.name, v] as const))('rejects %s', (_name, v) => {
    const s = new SessionCookieSerializer({ secretKey: v.secret });
    expect(() => s.loads(v.cookie, { maxAge: MAX_AGE, now: 1795404836 })).toThrow(BadSignature);
  });

  it('expires cookies older than maxAge and rejects future ones, as itsdangerous', () => {
    const v = vectors.valid[0]!;
    const s = new SessionCookieSerializer({ secretKey: v.secret });
    expect(s.loads(v.cookie, { maxAge: 10, now: v.signed_at + 10 })).toEqual({ username: 'admin' });
    expect(() => s.loads(v.cookie, { maxAge: 10, now: v.signed_at + 11 })).toThrow(SignatureExpired);
    expect(() => s.loads(v.cookie, { maxAge: 10, now: v.signed_at - 1 })).toThrow(/age -1 < 0/);
    // Without maxAge there is no age check, as in itsdangerous.
    expect(s.loads(v.cookie, { now: v.signed_at + 10 ** 9 })).toEqual({ username: 'admin' });
  });
});

interface FlaskCookie { name: string; secret: string; cookie: string; signed_at: number; session_tagged_json: string }
const made = JSON.parse(readFileSync(new URL('./fixtures/flask-cookies.json', import.meta.url), 'utf8')) as {
  valid: FlaskCookie[];
  rotation: {
    secret: string; fallbacks: string[]; signed_at: number; session_tagged_json: string;
    signed_with_old: string; signed_with_older: string; signed_with_new: string; signed_with_unknown: string;
  };
};

describe('cookies made by a Flask app (sorted keys)', () => {
  it.each(made.valid.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const data = loadsSessionCookie(v.cookie, v.secret, MAX_AGE, v.signed_at);
    expect(dumps(data)).toBe(v.session_tagged_json);
    const again = dumpsSessionCookie(data, v.secret, v.signed_at);
    expect(payloadText(again)).toBe(v.session_tagged_json);
    expectFlasksBytesUnlessCompressed(again, v.cookie);
    expect(dumps(loadsSessionCookie(again, v.secret, MAX_AGE, v.signed_at))).toBe(v.session_tagged_json);
  });

  it('rotates keys as Flask: SECRET_KEY signs, fallbacks verify', () => {
    const r = made.rotation;
    const s = new SessionCookieSerializer({ secretKey: r.secret, fallbacks: r.fallbacks });
    for (const c of [r.signed_with_new, r.signed_with_old, r.signed_with_older]) {
      expect(dumps(s.loads(c, { maxAge: MAX_AGE, now: r.signed_at }))).toBe(r.session_tagged_json);
    }
    expect(() => s.loads(r.signed_with_unknown, { maxAge: MAX_AGE, now: r.signed_at })).toThrow(BadSignature);
    expect(s.dumps(loads(r.session_tagged_json) as Record<string, unknown>, r.signed_at)).toBe(r.signed_with_new);
  });

  it('reports when a cookie was signed', () => {
    const v = made.valid[0]!;
    expect(new SessionCookieSerializer({ secretKey: v.secret }).loadsWithTimestamp(v.cookie).timestamp).toBe(v.signed_at);
    expect(BadTimeSignature.prototype).toBeInstanceOf(BadSignature);
    expect(new BadPayload('x')).toBeInstanceOf(BadData);
  });
});

interface MicroWritten { node: string; cookie: string; compressed: boolean; cpython_decodes_same_text: boolean; flask_reads_same_data: boolean }
const flaskReadsMicro = JSON.parse(readFileSync(new URL('./fixtures/flask-reads-micro.json', import.meta.url), 'utf8')) as {
  cases: Array<{ name: string; secret: string; signed_at: number; session_tagged_json: string; flask_cookie: string; micro: MicroWritten[] }>;
};

describe("Flask reads micro's compressed cookies (flask-reads-micro.json, checked by real Flask)", () => {
  // Tagged JSON text passed through, so the framing is compared on Flask's exact payload.
  const framing = (secret: string) =>
    new URLSafeTimedSerializer({ secretKeys: secret, salt: 'cookie-session', keyDerivation: 'hmac', serializer: { dumps: (t) => t as string, loads: (t) => t } });

  it('recorded micro cookies from Node 20 and Node 24, which Flask and CPython\'s zlib read back', () => {
    const nodes = new Set(flaskReadsMicro.cases.flatMap((c) => c.micro.map((m) => m.node.split('.')[0])));
    expect([...nodes].sort()).toEqual(['v20', 'v24']);
    expect(flaskReadsMicro.cases.filter((c) => c.micro.some((m) => m.compressed)).length).toBeGreaterThan(10);
  });

  it.each(flaskReadsMicro.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const s = framing(c.secret);
    for (const m of c.micro) {
      expect({ node: m.node, flask: m.flask_reads_same_data, cpython: m.cpython_decodes_same_text }).toEqual({ node: m.node, flask: true, cpython: true });
      // micro reads what it wrote on either Node version, and what Flask wrote, to the same text.
      expect(s.loads(m.cookie, { maxAge: MAX_AGE, now: c.signed_at })).toBe(c.session_tagged_json);
    }
    expect(s.loads(c.flask_cookie, { maxAge: MAX_AGE, now: c.signed_at })).toBe(c.session_tagged_json);
    // Written now: the same text, and when compressed a zlib stream node:zlib inflates.
    const again = s.dumps(c.session_tagged_json, c.signed_at);
    expect(payloadText(again)).toBe(c.session_tagged_json);
    expect(again.startsWith('.')).toBe(c.micro[0]!.compressed);
  });
});

const zlibBoundary = JSON.parse(readFileSync(new URL('./fixtures/zlib-boundary.json', import.meta.url), 'utf8')) as {
  payloads: Array<{ json: string; cpython_zlib_length: number }>;
};

describe('compressing where Flask does', () => {
  it("leaves uncompressed, as Flask, every payload CPython's zlib shortens by a byte or less (zlib-boundary.json)", () => {
    expect(zlibBoundary.payloads.length).toBe(300);
    for (const { json, cpython_zlib_length } of zlibBoundary.payloads) {
      expect(cpython_zlib_length).toBeGreaterThanOrEqual(Buffer.byteLength(json) - 1);
      expect(encodePayload(json)).toBe(base64urlEncode(json));
    }
  });

  it('compresses a payload zlib shortens by 10 bytes or more, into a stream node:zlib inflates', () => {
    const json = JSON.stringify({ _flashes: [{ ' t': ['message', 'Saved'] }, { ' t': ['message', 'Saved again'] }] });
    const payload = encodePayload(json);
    expect(payload.startsWith('.')).toBe(true);
    expect(inflateSync(base64urlDecode(payload.slice(1))!).toString('utf8')).toBe(json);
    expect(encodePayload('{"username":"bench"}')).toBe(base64urlEncode('{"username":"bench"}'));
  });
});

describe('the verified-cookie cache (same answers as the uncached reference)', () => {
  /** Every outcome of loading `cookie`: the data and timestamp, or the error's class, message and payload. */
  function outcome(s: SessionCookieSerializer, cookie: string, options: { maxAge?: number; now?: number }): unknown {
    try {
      return s.loadsWithTimestamp(cookie, options);
    } catch (err) {
      const e = err as BadData & { payload?: unknown };
      return { error: e.constructor.name, message: e.message, payload: e.payload };
    }
  }

  it('answers every vector, twice, and every age exactly as with the cache off', () => {
    const cookies = [...vectors.valid, ...vectors.invalid];
    const nows = (v: Valid | Invalid): number[] => {
      const t = 'signed_at' in v ? v.signed_at : 1_700_000_000;
      return [t, t + 1, t - 1, t + MAX_AGE, t + MAX_AGE + 1];
    };
    let hitsCompared = 0;
    for (const v of cookies) {
      const cached = new SessionCookieSerializer({ secretKey: v.secret, sortKeys: false });
      const reference = new SessionCookieSerializer({ secretKey: v.secret, sortKeys: false, verifiedCacheSize: 0 });
      for (const now of nows(v)) {
        for (const options of [{ maxAge: MAX_AGE, now }, { now }, {}]) {
          // The first load may fill the cache, the second may hit it: both must equal the reference.
          expect(outcome(cached, v.cookie, options)).toEqual(outcome(reference, v.cookie, options));
          expect(outcome(cached, v.cookie, options)).toEqual(outcome(reference, v.cookie, options));
          hitsCompared++;
        }
      }
    }
    expect(hitsCompared).toBeGreaterThan(100);
  });

  it('hands out fresh objects on a hit: changing one request\'s data never reaches the next', () => {
    const s = new SessionCookieSerializer({ secretKey: 'k' });
    const cookie = s.dumps({ cart: { items: [1] } });
    const first = s.loads(cookie) as { cart: { items: number[] } };
    first.cart.items.push(2);
    expect(s.loads(cookie)).toEqual({ cart: { items: [1] } });
  });

  it('never remembers a forged cookie, and forgets with the keys (another serializer, another cache)', () => {
    const s = new SessionCookieSerializer({ secretKey: 'k' });
    const cookie = s.dumps({ user: 'alice' });
    const forged = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    for (let i = 0; i < 2; i++) expect(() => s.loads(forged)).toThrow(BadSignature);
    expect(s.loads(cookie)).toEqual({ user: 'alice' });
    const rotated = new SessionCookieSerializer({ secretKey: 'new' });
    expect(() => rotated.loads(cookie)).toThrow(BadSignature);
  });

  it('expires a remembered cookie once it is older than maxAge', () => {
    const s = new SessionCookieSerializer({ secretKey: 'k' });
    const cookie = s.dumps({ user: 'alice' }, 1_000);
    expect(s.loads(cookie, { maxAge: 60, now: 1_030 })).toEqual({ user: 'alice' });
    expect(() => s.loads(cookie, { maxAge: 60, now: 1_061 })).toThrow(SignatureExpired);
  });
});
