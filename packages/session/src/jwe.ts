/**
 * Encrypted session cookies: compact JWE (RFC 7516) with `alg: dir` and
 * `enc: A256GCM` (default, node:crypto) or `enc: XC20P` (libsodium), see content-cipher.ts.
 *
 * - Key: HKDF-SHA256(secret, salt `micro-session`, info `micro-session-encryption`), 32 bytes;
 *   XC20P uses info `micro-session-encryption-xc20p`, so no key serves two algorithms.
 * - `kid`: base64url of the first 8 bytes of HKDF-SHA256(secret, salt `micro-session`,
 *   info `micro-session-kid`), so a reader picks the right key (current or fallback) at once.
 * - Protected header, in this order: `{"alg":"dir","enc":…,"kid":…,"iat":…}`;
 *   `iat` is whole Unix seconds. Its base64url form is the AAD, so it is authenticated.
 * - Token: `header..iv.ciphertext.tag` (the encrypted-key part is empty for `dir`),
 *   random IV (96 bits for A256GCM, 192 for XC20P), 128-bit tag. Plaintext: Flask's tagged JSON, UTF-8.
 * - A reader accepts both encryptions (XC20P only when sodium-native is installed),
 *   so switching `enc` does not log anyone out.
 * Errors: malformed, unknown key or failed authentication → `BadSignature`;
 * too old or dated in the future → `SignatureExpired`; bad plaintext → `BadPayload`.
 */
import { Buffer } from 'node:buffer';
import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { contentCipher, JWE_ENCRYPTIONS, type ContentCipher, type ContentKey, type JweEncryption } from './content-cipher.js';
import { nonceRandom } from './random-pool.js';
import { base64urlDecode, base64urlEncode } from './base64.js';
import { toBytes, type SecretKey } from './derived-keys.js';
import { BadPayload, BadSignature, SignatureExpired } from './errors.js';
import { nowSeconds, type UnsignOptions } from './signer.js';
import { dumps as taggedDumps, loads as taggedLoads } from './tagged-json.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

export const JWE_HKDF_SALT = 'micro-session';
export const JWE_HKDF_INFO = 'micro-session-encryption';
export const JWE_KID_INFO = 'micro-session-kid';
/** Tokens a codec remembers as already decrypted, unless told otherwise (`SESSION_DECRYPT_CACHE_SIZE`). */
export const DEFAULT_DECRYPT_CACHE_SIZE = 1000;
const KEY_INFO: Record<JweEncryption, string> = { A256GCM: JWE_HKDF_INFO, XC20P: `${JWE_HKDF_INFO}-xc20p` };

export interface EncryptionKey extends ContentKey {
  /** The 32-byte content key for the encryption it was derived for. */
  key: Buffer;
  /** The same key as a `KeyObject`, made once, for node:crypto. */
  keyObject: KeyObject;
  kid: string;
}

const keyCache = new Map<string, EncryptionKey>();

/** The content key (for `enc`, default A256GCM) and `kid` for a secret; cached, so never derived per request. */
export function deriveEncryptionKey(secret: SecretKey, enc: JweEncryption = 'A256GCM'): EncryptionKey {
  const id = enc + (typeof secret === 'string' ? 's' + secret : 'b' + toBytes(secret).toString('hex'));
  let k = keyCache.get(id);
  if (k === undefined) {
    const ikm = toBytes(secret);
    const key = Buffer.from(hkdfSync('sha256', ikm, JWE_HKDF_SALT, KEY_INFO[enc], 32));
    const kid = base64urlEncode(new Uint8Array(hkdfSync('sha256', ikm, JWE_HKDF_SALT, JWE_KID_INFO, 8)));
    k = { key, keyObject: createSecretKey(key), kid };
    if (keyCache.size >= 256) keyCache.clear();
    keyCache.set(id, k);
  }
  return k;
}

export interface JweCookieCodecOptions {
  /** `SECRET_KEY`: encrypts new cookies. */
  secretKey: SecretKey;
  /** `SECRET_KEY_FALLBACKS`: still decrypt. Default none. */
  fallbacks?: readonly SecretKey[];
  /** Sort keys in the tagged JSON. Default `true`. */
  sortKeys?: boolean;
  /** Longest token accepted, in characters. Default 64 KiB. */
  maxLength?: number;
  /**
   * Content encryption of new tokens (`SESSION_ENCRYPTION`). Default `'A256GCM'`;
   * `'XC20P'` needs the optional package sodium-native. Both are read.
   */
  enc?: JweEncryption;
  /**
   * How many recently decrypted tokens to remember, so a cookie sent again is
   * not decrypted again (its age is still checked). 0 turns this off.
   * Default {@link DEFAULT_DECRYPT_CACHE_SIZE}.
   */
  decryptCacheSize?: number;
}

/** An authenticated token's plaintext and issue time. */
interface Opened {
  plaintext: string;
  iat: number;
}

interface Header {
  alg: string;
  enc: JweEncryption;
  kid: string;
  iat: number;
}

/** What a protected header resolves to; tokens of one second and key share it. */
interface ReadHeader {
  text: string;
  header: Header;
  aad: Buffer;
  cipher: ContentCipher;
  key: ContentKey;
}

export class JweCookieCodec {
  private readonly cipher: ContentCipher;
  private readonly current: EncryptionKey;
  // kid → its secret and the content keys derived from it so far, one per encryption.
  private readonly byKid = new Map<string, { secret: SecretKey; keys: Partial<Record<JweEncryption, ContentKey>> }>();
  private readonly sortKeys: boolean;
  private readonly maxLength: number;
  // Tokens issued in the same second share their protected header: keep the last one of each direction.
  private issued: { iat: number; header: string; aad: Buffer } | null = null;
  private lastRead: ReadHeader | null = null;
  private readonly verified: VerifiedTokenCache<Opened>;

  constructor(options: JweCookieCodecOptions) {
    this.cipher = contentCipher(options.enc ?? 'A256GCM');
    this.current = deriveEncryptionKey(options.secretKey, this.cipher.enc);
    for (const s of [options.secretKey, ...(options.fallbacks ?? [])]) {
      const { kid } = deriveEncryptionKey(s);
      if (!this.byKid.has(kid)) this.byKid.set(kid, { secret: s, keys: {} });
    }
    this.sortKeys = options.sortKeys ?? true;
    this.maxLength = options.maxLength ?? 64 * 1024; // 64 KiB
    this.verified = new VerifiedTokenCache(options.decryptCacheSize ?? DEFAULT_DECRYPT_CACHE_SIZE);
  }

  /** The content encryption of new tokens. */
  get enc(): JweEncryption {
    return this.cipher.enc;
  }

  /** A compact JWE holding `data`, issued at `now` (whole Unix seconds). */
  encrypt(data: Record<string, unknown> | ReadonlyMap<string, unknown>, now: number = nowSeconds()): string {
    const plaintext = taggedDumps(data, { sortKeys: this.sortKeys });
    const iat = Math.floor(now);
    if (this.issued?.iat !== iat) {
      const text = base64urlEncode(`{"alg":"dir","enc":"${this.cipher.enc}","kid":"${this.current.kid}","iat":${iat}}`);
      this.issued = { iat, header: text, aad: Buffer.from(text, 'ascii') };
    }
    const { header, aad } = this.issued;
    const iv = nonceRandom.bytes(this.cipher.ivLength);
    const { ciphertext, tag } = this.cipher.encrypt(this.current, iv, aad, plaintext);
    return `${header}..${base64urlEncode(iv)}.${base64urlEncode(ciphertext)}.${base64urlEncode(tag)}`;
  }

  /** The session data; throws only `BadData` subclasses. `maxAge` in seconds. */
  decrypt(token: string, options: UnsignOptions = {}): Record<string, unknown> {
    return this.decryptWithTimestamp(token, options).data;
  }

  decryptWithTimestamp(token: string, options: UnsignOptions = {}): { data: Record<string, unknown>; timestamp: number } {
    if (typeof token !== 'string' || token.length > this.maxLength) throw new BadSignature('The token is not a string or too long');
    const cacheKey = this.verified.keyOf(token);
    const cached = this.verified.get(cacheKey);
    const opened = cached ?? this.open(token);
    // Checked after authentication, so a forged `iat` cannot pass; and on every cache hit.
    if (options.maxAge !== undefined) {
      const age = (options.now ?? nowSeconds()) - opened.iat;
      if (age > options.maxAge) throw new SignatureExpired(`Token age ${age} > ${options.maxAge} seconds`, undefined, new Date(opened.iat * 1000));
      if (age < 0) throw new SignatureExpired(`Token age ${age} < 0 seconds`, undefined, new Date(opened.iat * 1000));
    }
    // Parsed every time: each request gets its own session object to change.
    const data = taggedLoads(opened.plaintext);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BadPayload('The session payload is not a JSON object');
    if (cached === undefined) this.verified.set(cacheKey, opened);
    return { data: data as Record<string, unknown>, timestamp: opened.iat };
  }

  /** Authenticate and decrypt a token; throws BadSignature. */
  private open(token: string): Opened {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[1] !== '') throw new BadSignature('Not a compact JWE with direct encryption');
    const [h, , ivText, ctText, tagText] = parts as [string, string, string, string, string];
    let read = this.lastRead;
    if (read?.text !== h) read = this.lastRead = this.readHeader(h);
    const iv = base64urlDecode(ivText);
    const ciphertext = base64urlDecode(ctText);
    const tag = base64urlDecode(tagText);
    if (iv === null || iv.length !== read.cipher.ivLength || ciphertext === null || tag === null || tag.length !== 16) {
      throw new BadSignature('Malformed JWE parts');
    }
    let plaintext: Buffer;
    try {
      plaintext = read.cipher.decrypt(read.key, iv, read.aad, ciphertext, tag);
    } catch (err) {
      throw new BadSignature('The token failed authentication', undefined, { cause: err });
    }
    return { plaintext: plaintext.toString('utf8'), iat: read.header.iat };
  }

  /** Parse a protected header and find its cipher and key; throws BadSignature. */
  private readHeader(text: string): ReadHeader {
    const header = parseHeader(text);
    const known = this.byKid.get(header.kid);
    if (known === undefined) throw new BadSignature('The token was encrypted with an unknown key');
    let cipher: ContentCipher;
    try {
      cipher = contentCipher(header.enc);
    } catch (err) {
      // An XC20P cookie reaching an app without sodium-native: unreadable here, so an empty session.
      throw new BadSignature(`The token uses ${header.enc}, which this server cannot decrypt`, undefined, { cause: err });
    }
    const key = (known.keys[header.enc] ??= deriveEncryptionKey(known.secret, header.enc));
    return { text, header, aad: Buffer.from(text, 'ascii'), cipher, key };
  }
}

function parseHeader(text: string): Header {
  const bytes = base64urlDecode(text);
  let h: unknown;
  try {
    h = bytes === null ? null : JSON.parse(bytes.toString('utf8'));
  } catch {
    h = null;
  }
  if (typeof h !== 'object' || h === null) throw new BadSignature('Malformed JWE header');
  const { alg, enc, kid, iat, crit } = h as Record<string, unknown>;
  // RFC 7516 §4.1.13: an unknown critical extension must be rejected.
  if (alg !== 'dir' || !JWE_ENCRYPTIONS.includes(enc as JweEncryption) || crit !== undefined) {
    throw new BadSignature('Unsupported JWE algorithm');
  }
  if (typeof kid !== 'string' || typeof iat !== 'number' || !Number.isSafeInteger(iat)) {
    throw new BadSignature('The JWE header lacks a kid or iat');
  }
  return { alg, enc: enc as JweEncryption, kid, iat };
}
