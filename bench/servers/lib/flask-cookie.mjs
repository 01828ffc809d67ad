// Flask's session cookie, written plainly with node:crypto and node:zlib: what
// Flask 3.1's SecureCookieSessionInterface and itsdangerous 2.2's URLSafeTimedSerializer
// put on the wire, and nothing else. Used by bench/servers/raw-node-flask.mjs (the
// honest limit for a Flask-compatible signed session) and checked in bench/test against
// cookies made by real Flask and by micro.
//
//   cookie    = payload "." timestamp "." signature
//   payload   = base64url(json), or "." base64url(zlib(json)) when that is at least 2 bytes shorter
//   json      = Flask's tagged JSON: compact, keys in insertion order, non-ASCII as \uXXXX
//   timestamp = base64url(big-endian seconds, no leading zero bytes)
//   signature = base64url(HMAC-SHA1(key, payload "." timestamp))
//   key       = HMAC-SHA1(SECRET_KEY, "cookie-session")   (itsdangerous key_derivation "hmac")
//
// Reading: the signature is checked in constant time, then the age (at most
// PERMANENT_SESSION_LIFETIME, 31 days, and not in the future), then the JSON. Any failure
// is an empty session, as in Flask. Tagged values (tuples, bytes, Markup, …) are not
// untagged: the bench's sessions hold one string.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

export const SALT = 'cookie-session';
/** Flask's PERMANENT_SESSION_LIFETIME (31 days), the max_age Flask passes to loads(). */
export const MAX_AGE_SECONDS = 31 * 24 * 60 * 60;

/** The signing key itsdangerous derives for Flask, made once as a KeyObject. */
export function deriveKey(secret) {
  return createSecretKey(createHmac('sha1', secret).update(SALT).digest());
}

// Python's json escapes everything outside ' '..'~' (JSON.stringify already escapes
// the control characters as Python does); UTF-16 units one by one, as Python does.
const HAS_NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;
const escapeNonAscii = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** json.dumps(value, separators=(",", ":")) with Python's default ensure_ascii. */
export function flaskJson(value) {
  const json = JSON.stringify(value);
  return HAS_NON_ASCII.test(json) ? json.replace(NON_ASCII, escapeNonAscii) : json;
}

/**
 * A lower bound on the length of zlib.compress(input), so that deflate runs only when it
 * might save the 2 bytes itsdangerous asks for. Sound for inputs without a repeated
 * 3-byte sequence (deflate's shortest match is 3 bytes, so it can code only literals:
 * a fixed-Huffman block costs 8–9 bits a literal, a dynamic one at least 29 header bits
 * plus the entropy of the symbol counts; zlib adds 6 bytes). Any repeat, or an input
 * over 256 bytes, returns 0: no bound, deflate runs.
 */
const counts = new Uint16Array(256);
export function zlibLowerBound(input) {
  const n = input.length;
  if (n < 3 || n > 256) return 0;
  const trigrams = new Int32Array(n - 2);
  for (let i = 0; i < n - 2; i++) {
    const t = (input[i] << 16) | (input[i + 1] << 8) | input[i + 2];
    for (let j = 0; j < i; j++) if (trigrams[j] === t) return 0;
    trigrams[i] = t;
  }
  let fixedBits = 3 + 7; // block header, end-of-block code
  for (let i = 0; i < n; i++) {
    counts[input[i]]++;
    fixedBits += input[i] < 144 ? 8 : 9;
  }
  const total = n + 1; // the literals and one end-of-block symbol
  let entropyBits = Math.log2(total);
  for (let i = 0; i < n; i++) {
    const c = counts[input[i]];
    if (c === 0) continue; // this byte value is counted already
    entropyBits += c * Math.log2(total / c);
    counts[input[i]] = 0;
  }
  const dynamicBits = 3 + 14 + 12 + Math.ceil(entropyBits - 1e-6);
  return 2 + Math.ceil(Math.min(fixedBits, dynamicBits) / 8) + 4;
}

/** itsdangerous's int_to_bytes + base64url: big-endian, leading zero bytes dropped. */
export function encodeTimestamp(seconds) {
  const bytes = [];
  for (let n = seconds; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from(bytes).toString('base64url');
}

/** The timestamp's seconds, or NaN for anything that is not one. */
export function decodeTimestamp(text) {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length === 0 || bytes.length > 6 || bytes.toString('base64url') !== text) return Number.NaN;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The cookie value for a session object.
 * @param {Record<string, unknown>} session
 * @param {import('node:crypto').KeyObject} key from deriveKey()
 * @param {number} [now] seconds since the epoch
 */
export function dumps(session, key, now = nowSeconds()) {
  const json = Buffer.from(flaskJson(session), 'latin1'); // ASCII by now
  let payload;
  // itsdangerous keeps the compressed form only when it is shorter by more than one byte.
  const bound = zlibLowerBound(json);
  const compressed = bound === 0 || bound < json.length - 1 ? deflateSync(json) : null;
  if (compressed !== null && compressed.length < json.length - 1) payload = `.${compressed.toString('base64url')}`;
  else payload = json.toString('base64url');
  const signed = `${payload}.${encodeTimestamp(now)}`;
  return `${signed}.${createHmac('sha1', key).update(signed).digest('base64url')}`;
}

/**
 * The session in a cookie value, or null when it is not one Flask would accept
 * (bad signature, expired, from the future, not a JSON object).
 * @param {string} value
 * @param {import('node:crypto').KeyObject} key
 * @param {number} [now]
 * @returns {Record<string, unknown> | null}
 */
export function loads(value, key, now = nowSeconds()) {
  const sigDot = value.lastIndexOf('.');
  if (sigDot <= 0) return null;
  const signed = value.slice(0, sigDot);
  const given = Buffer.from(value.slice(sigDot + 1), 'latin1');
  const expected = Buffer.from(createHmac('sha1', key).update(signed).digest('base64url'), 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const tsDot = signed.lastIndexOf('.');
  if (tsDot <= 0) return null;
  const age = now - decodeTimestamp(signed.slice(tsDot + 1));
  if (!(age >= 0 && age <= MAX_AGE_SECONDS)) return null;
  const payload = signed.slice(0, tsDot);
  try {
    let json;
    if (payload[0] === '.') json = inflateSync(Buffer.from(payload.slice(1), 'base64url'));
    else json = Buffer.from(payload, 'base64url');
    const data = JSON.parse(json.toString('utf8'));
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? data : null;
  } catch {
    return null;
  }
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header, name) {
  if (!header) return undefined;
  let start = 0;
  for (;;) {
    const at = header.indexOf(`${name}=`, start);
    if (at === -1) return undefined;
    if (at === 0 || header[at - 1] === ' ' || header[at - 1] === ';') {
      const end = header.indexOf(';', at);
      return header.slice(at + name.length + 1, end === -1 ? undefined : end);
    }
    start = at + 1;
  }
}
