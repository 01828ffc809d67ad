/**
 * itsdangerous' `Signer` and `TimestampSigner`, byte for byte:
 * `value.signature` and `value.timestamp.signature`, base64url without padding.
 *
 * Secret keys are given newest first: the first signs, all verify (in order).
 * (itsdangerous takes them oldest first; Flask passes `[*FALLBACKS, SECRET_KEY]`.)
 */
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { base64urlDecode } from './base64.js';
import { deriveSigningKey, type KeyDerivation, type SecretKey } from './derived-keys.js';
import { BadSignature, BadTimeSignature, SignatureExpired } from './errors.js';

export interface SignerOptions {
  /** One key, or several newest first (the first signs; each is tried when verifying). */
  secretKeys: SecretKey | readonly SecretKey[];
  /** Separates the key spaces of different uses. Default `'itsdangerous.Signer'`. */
  salt?: string;
  /** How the signing key is derived from the secret and salt. Default `'django-concat'`. */
  keyDerivation?: KeyDerivation;
  /** HMAC hash. Default `'sha1'`. */
  digest?: string;
  /** Separator; must not be a base64url character. Default `'.'`. */
  sep?: string;
}

export class Signer {
  readonly salt: string;
  readonly sep: string;
  readonly digest: string;
  readonly keyDerivation: KeyDerivation;
  /** Derived keys as `KeyObject`s (made once per key, see derived-keys.ts), in the order secret keys were given. */
  protected readonly keys: readonly KeyObject[];

  constructor(options: SignerOptions) {
    const secrets = Array.isArray(options.secretKeys) ? (options.secretKeys as readonly SecretKey[]) : [options.secretKeys as SecretKey];
    if (secrets.length === 0) throw new TypeError('Signer needs at least one secret key');
    this.salt = options.salt ?? 'itsdangerous.Signer';
    this.sep = options.sep ?? '.';
    if (/[A-Za-z0-9_=-]/.test(this.sep) || this.sep.length === 0) {
      throw new TypeError(`The separator ${JSON.stringify(this.sep)} may appear in a signature; choose another`);
    }
    this.digest = options.digest ?? 'sha1';
    this.keyDerivation = options.keyDerivation ?? 'django-concat';
    this.keys = secrets.map((s) => deriveSigningKey(s, this.salt, this.digest, this.keyDerivation));
  }

  /** The base64url signature of `value` with the newest key. */
  getSignature(value: string): string {
    return this.mac(this.keys[0]!, value);
  }

  sign(value: string): string {
    return value + this.sep + this.getSignature(value);
  }

  /**
   * True when `sig` signs `value` under any of the keys. Constant time per key.
   * Compared as text: the expected signature is canonical base64url, so a
   * malformed or re-encoded one (other padding bits, other characters) never matches.
   */
  verifySignature(value: string, sig: string): boolean {
    const given = Buffer.from(sig, 'utf8');
    for (const key of this.keys) {
      const expected = Buffer.from(this.mac(key, value), 'latin1');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
    }
    return false;
  }

  /** The value without its signature; throws `BadSignature`. */
  unsign(signed: string): string {
    const i = signed.lastIndexOf(this.sep);
    if (i < 0) throw new BadSignature(`No ${JSON.stringify(this.sep)} found in value`);
    const value = signed.slice(0, i);
    if (this.verifySignature(value, signed.slice(i + this.sep.length))) return value;
    throw new BadSignature(`Signature ${JSON.stringify(signed.slice(i + this.sep.length))} does not match`, value);
  }

  /** True when `signed` carries a valid signature. */
  validate(signed: string): boolean {
    try {
      this.unsign(signed);
      return true;
    } catch (err) {
      if (err instanceof BadSignature) return false;
      throw err;
    }
  }

  /** The base64url HMAC of `value`. */
  protected mac(key: KeyObject, value: string): string {
    return createHmac(this.digest, key).update(value, 'utf8').digest('base64url');
  }
}

export interface UnsignOptions {
  /** Reject signatures older than this many seconds (and dated in the future). */
  maxAge?: number;
  /** The current time in whole Unix seconds. Default: the system clock. */
  now?: number;
}

export interface Unsigned {
  value: string;
  /** When it was signed, whole Unix seconds. */
  timestamp: number;
}

/** The current time as itsdangerous counts it: whole Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `value.timestamp.signature`; the timestamp is big-endian seconds, leading zero bytes stripped. */
export class TimestampSigner extends Signer {
  override sign(value: string, now: number = nowSeconds()): string {
    return super.sign(value + this.sep + encodeTimestamp(now));
  }

  override unsign(signed: string, options: UnsignOptions = {}): string {
    return this.unsignWithTimestamp(signed, options).value;
  }

  /** Like `unsign`, also returning when the value was signed. Mirrors itsdangerous' checks and errors. */
  unsignWithTimestamp(signed: string, options: UnsignOptions = {}): Unsigned {
    let result: string;
    let sigError: BadSignature | undefined;
    try {
      result = super.unsign(signed);
    } catch (err) {
      if (!(err instanceof BadSignature)) throw err;
      sigError = err;
      result = err.payload ?? '';
    }
    const i = result.lastIndexOf(this.sep);
    if (i < 0) {
      if (sigError) throw sigError;
      throw new BadTimeSignature('timestamp missing', result);
    }
    const value = result.slice(0, i);
    const ts = decodeTimestamp(result.slice(i + this.sep.length));
    if (sigError) throw new BadTimeSignature(sigError.message, value, ts === null ? undefined : toDate(ts), { cause: sigError });
    if (ts === null) throw new BadTimeSignature('Malformed timestamp', value);
    const tooOld = signatureAgeProblem(ts, options);
    if (tooOld !== null) throw new SignatureExpired(tooOld, value, toDate(ts));
    return { value, timestamp: ts };
  }

  override validate(signed: string, options: UnsignOptions = {}): boolean {
    try {
      this.unsign(signed, options);
      return true;
    } catch (err) {
      if (err instanceof BadSignature) return false;
      throw err;
    }
  }
}

/**
 * itsdangerous' age check of a verified signature: why it fails (the message
 * of its `SignatureExpired`), or null when it passes. It fails when `maxAge`
 * is set and the timestamp is older than that, or in the future.
 */
export function signatureAgeProblem(timestamp: number, options: UnsignOptions): string | null {
  const { maxAge } = options;
  if (maxAge === undefined) return null;
  const age = (options.now ?? nowSeconds()) - timestamp;
  if (age > maxAge) return `Signature age ${age} > ${maxAge} seconds`;
  if (age < 0) return `Signature age ${age} < 0 seconds`;
  return null;
}

function toDate(ts: number): Date | undefined {
  const d = new Date(ts * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** itsdangerous' `int_to_bytes`: 8-byte big-endian, leading zero bytes stripped. */
export function encodeTimestamp(seconds: number): string {
  // Every cookie signed within the same second carries the same timestamp.
  if (seconds === lastTimestamp) return lastEncoded;
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`Invalid timestamp ${seconds}`);
  const bytes: number[] = [];
  for (let n = seconds; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  lastEncoded = Buffer.from(bytes).toString('base64url');
  lastTimestamp = seconds;
  return lastEncoded;
}

let lastTimestamp = -1;
let lastEncoded = '';

/** itsdangerous' `bytes_to_int`: at most 8 bytes, else malformed (`null`). */
export function decodeTimestamp(text: string): number | null {
  const bytes = base64urlDecode(text);
  if (bytes === null || bytes.length > 8) return null;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}
