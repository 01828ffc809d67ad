/**
 * Flask's session cookie (`SecureCookieSessionInterface`), byte-compatible:
 * tagged JSON → itsdangerous URL-safe timed serializer, salt `cookie-session`,
 * key derivation `hmac`, HMAC-SHA1.
 */
import { Buffer } from 'node:buffer';
import type { SecretKey } from './derived-keys.js';
import { BadPayload } from './errors.js';
import { dumps as taggedDumps, loads as taggedLoads } from './tagged-json.js';
import { signatureAgeProblem, type UnsignOptions } from './signer.js';
import { URLSafeTimedSerializer, type TextSerializer, type VerifiedText } from './url-safe-timed-serializer.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * How many verified cookies a serializer remembers (see `verifiedCacheSize`):
 * at most this many payloads, each no longer than a cookie, about 4 MiB at worst.
 */
export const DEFAULT_VERIFIED_CACHE_SIZE = 1000;

export interface SessionCookieSerializerOptions {
  /** `SECRET_KEY`: signs new cookies and verifies first. */
  secretKey: SecretKey;
  /** `SECRET_KEY_FALLBACKS`: also accepted when verifying, tried in this order (put the newest first). Default none. */
  fallbacks?: readonly SecretKey[];
  /** Default `'cookie-session'` (Flask's). */
  salt?: string;
  /** Sort keys as Flask does inside an app. Default `true`. */
  sortKeys?: boolean;
  /** Largest decompressed payload accepted, in bytes. Default 1 MiB. */
  maxDecompressedSize?: number;
  /** Longest cookie value accepted, in characters. Default 64 KiB. */
  maxLength?: number;
  /**
   * Remember this many cookies whose signature checked out, so the same cookie
   * sent again skips the HMAC and the decompression (its age is still checked
   * every time, and its JSON parsed afresh). 0 turns it off. Default
   * {@link DEFAULT_VERIFIED_CACHE_SIZE}.
   */
  verifiedCacheSize?: number;
}

export type SessionDict = Record<string, unknown>;

export interface LoadedSession {
  data: SessionDict;
  /** When the cookie was signed, whole Unix seconds. */
  timestamp: number;
}

export class SessionCookieSerializer {
  private readonly serializer: URLSafeTimedSerializer;
  /** Cookies already verified with these keys: one cache per serializer, so per key set. */
  private readonly verified: VerifiedTokenCache<VerifiedText>;

  constructor(options: SessionCookieSerializerOptions) {
    const sortKeys = options.sortKeys ?? true;
    const text: TextSerializer = { dumps: (v) => taggedDumps(v, { sortKeys }), loads: taggedLoads };
    this.serializer = new URLSafeTimedSerializer({
      secretKeys: [options.secretKey, ...(options.fallbacks ?? [])],
      salt: options.salt ?? 'cookie-session',
      keyDerivation: 'hmac',
      digest: 'sha1',
      serializer: text,
      ...(options.maxDecompressedSize === undefined ? {} : { maxDecompressedSize: options.maxDecompressedSize }),
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
    });
    this.verified = new VerifiedTokenCache(options.verifiedCacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE);
  }

  /**
   * The cookie value for `data` (a plain object or a `Map`), signed at `now`
   * (whole Unix seconds, default the clock). Throws `SessionSerializationError`
   * naming the key of a value that cannot be stored.
   */
  dumps(data: SessionDict | ReadonlyMap<string, unknown>, now?: number): string {
    return this.serializer.dumps(data, now);
  }

  /** The session data; throws only `BadData` subclasses. `maxAge` is `PERMANENT_SESSION_LIFETIME` in seconds. */
  loads(cookie: string, options?: UnsignOptions): SessionDict {
    return this.loadsWithTimestamp(cookie, options).data;
  }

  loadsWithTimestamp(cookie: string, options: UnsignOptions = {}): LoadedSession {
    // A browser sends the same cookie on every request: verify it once (the HMAC is most of the cost).
    const key = typeof cookie === 'string' && cookie.length <= this.serializer.maxLength ? this.verified.keyOf(cookie) : null;
    let verified = this.verified.get(key);
    if (verified === undefined) {
      verified = this.serializer.verifyText(cookie, options);
      this.verified.set(key, verified);
    } else if (signatureAgeProblem(verified.timestamp, options) !== null) {
      verified = this.serializer.verifyText(cookie, options); // throws itsdangerous' own SignatureExpired
    }
    const { text, timestamp } = verified;
    // Parsed on every load: each request gets objects of its own.
    const value = this.serializer.parseText(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      throw new BadPayload('The session payload is not a JSON object');
    }
    return { data: value as SessionDict, timestamp };
  }
}

/** One-off helpers; the serializer (and its derived keys) is cached per key list. */
export function dumpsSessionCookie(data: SessionDict | ReadonlyMap<string, unknown>, keys: SecretKey | readonly SecretKey[], now?: number): string {
  return serializerFor(keys).dumps(data, now);
}

export function loadsSessionCookie(cookie: string, keys: SecretKey | readonly SecretKey[], maxAge?: number, now?: number): SessionDict {
  return serializerFor(keys).loads(cookie, { ...(maxAge === undefined ? {} : { maxAge }), ...(now === undefined ? {} : { now }) });
}

const serializers = new Map<string, SessionCookieSerializer>();

function serializerFor(keys: SecretKey | readonly SecretKey[]): SessionCookieSerializer {
  const list: readonly SecretKey[] = Array.isArray(keys) ? (keys as readonly SecretKey[]) : [keys as SecretKey];
  if (list.length === 0) throw new TypeError('A session cookie needs at least one secret key');
  const id = list.map((k) => (typeof k === 'string' ? 's' + k.length + ':' + k : 'b' + Buffer.from(k).toString('hex'))).join('\0');
  let s = serializers.get(id);
  if (s === undefined) {
    if (serializers.size >= 64) serializers.clear();
    s = new SessionCookieSerializer({ secretKey: list[0]!, fallbacks: list.slice(1) });
    serializers.set(id, s);
  }
  return s;
}

