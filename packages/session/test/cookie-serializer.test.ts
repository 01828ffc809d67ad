import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SessionCookieSerializer, dumpsSessionCookie, loadsSessionCookie } from '../src/cookie-serializer.js';
import { BadData, BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from '../src/errors.js';
import { dumps, loads } from '../src/tagged-json.js';
import { base64urlDecode } from '../src/base64.js';

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

describe('Flask session cookie vectors', () => {
  it.each(vectors.valid.map((v) => [v.name, v] as const))('decodes and re-encodes %s', (_name, v) => {
    // The vectors were made outside an app context, so keys kept insertion order.
    const s = new SessionCookieSerializer({ secretKey: v.secret, sortKeys: false });
    const data = s.loads(v.cookie, { maxAge: MAX_AGE, now: v.signed_at });
    expect(dumps(data, { sortKeys: false })).toBe(v.session_tagged_json);
    const again = s.dumps(data, v.signed_at);
    expect(payloadText(again)).toBe(v.session_tagged_json);
    expect(again.startsWith('.')).toBe(v.cookie.startsWith('.'));
    // Same timestamp part, and the round trip verifies.
    expect(again.split('.').at(-2)).toBe(v.cookie.split('.').at(-2));
    expect(dumps(s.loads(again, { maxAge: MAX_AGE, now: v.signed_at }), { sortKeys: false })).toBe(v.session_tagged_json);
    // Byte for byte, compressed ones included (pako deflates as Python's zlib does).
    expect(again).toBe(v.cookie);
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
    expect(again).toBe(v.cookie);
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
