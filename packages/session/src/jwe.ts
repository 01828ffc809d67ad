/**
 * Encrypted session cookies: compact JWE (RFC 7516) with `alg: dir` and
 * `enc: A256GCM`, done with `node:crypto` directly.
 *
 * - Key: HKDF-SHA256(secret, salt `micro-session`, info `micro-session-encryption`), 32 bytes.
 * - `kid`: base64url of the first 8 bytes of HKDF-SHA256(secret, salt `micro-session`,
 *   info `micro-session-kid`), so a reader picks the right key (current or fallback) at once.
 * - Protected header, in this order: `{"alg":"dir","enc":"A256GCM","kid":…,"iat":…}`;
 *   `iat` is whole Unix seconds. Its base64url form is the AAD, so it is authenticated.
 * - Token: `header..iv.ciphertext.tag` (the encrypted-key part is empty for `dir`),
 *   96-bit random IV, 128-bit tag. Plaintext: Flask's tagged JSON, UTF-8.
 * Errors: malformed, unknown key or failed authentication → `BadSignature`;
 * too old or dated in the future → `SignatureExpired`; bad plaintext → `BadPayload`.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';
import { base64urlDecode, base64urlEncode } from './base64.js';
import { toBytes, type SecretKey } from './derived-keys.js';
import { BadPayload, BadSignature, SignatureExpired } from './errors.js';
import { nowSeconds, type UnsignOptions } from './signer.js';
import { dumps as taggedDumps, loads as taggedLoads } from './tagged-json.js';

export const JWE_HKDF_SALT = 'micro-session';
export const JWE_HKDF_INFO = 'micro-session-encryption';
export const JWE_KID_INFO = 'micro-session-kid';

export interface EncryptionKey {
  /** The 32-byte AES-256-GCM key. */
  key: Buffer;
  kid: string;
}

const keyCache = new Map<string, EncryptionKey>();

/** The content key and `kid` for a secret; cached, so never derived per request. */
export function deriveEncryptionKey(secret: SecretKey): EncryptionKey {
  const id = typeof secret === 'string' ? 's' + secret : 'b' + toBytes(secret).toString('hex');
  let k = keyCache.get(id);
  if (k === undefined) {
    const ikm = toBytes(secret);
    const key = Buffer.from(hkdfSync('sha256', ikm, JWE_HKDF_SALT, JWE_HKDF_INFO, 32));
    const kid = base64urlEncode(new Uint8Array(hkdfSync('sha256', ikm, JWE_HKDF_SALT, JWE_KID_INFO, 8)));
    k = { key, kid };
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
}

interface Header {
  alg: string;
  enc: string;
  kid: string;
  iat: number;
}

export class JweCookieCodec {
  private readonly current: EncryptionKey;
  private readonly byKid = new Map<string, Buffer>();
  private readonly sortKeys: boolean;
  private readonly maxLength: number;
  // Tokens issued in the same second share their protected header: keep the last one of each direction.
  private issued: { iat: number; header: string; aad: Buffer } | null = null;
  private lastRead: { text: string; header: Header; aad: Buffer } | null = null;

  constructor(options: JweCookieCodecOptions) {
    this.current = deriveEncryptionKey(options.secretKey);
    for (const s of [options.secretKey, ...(options.fallbacks ?? [])]) {
      const k = deriveEncryptionKey(s);
      if (!this.byKid.has(k.kid)) this.byKid.set(k.kid, k.key);
    }
    this.sortKeys = options.sortKeys ?? true;
    this.maxLength = options.maxLength ?? 64 * 1024; // 64 KiB
  }

  /** A compact JWE holding `data`, issued at `now` (whole Unix seconds). */
  encrypt(data: Record<string, unknown> | ReadonlyMap<string, unknown>, now: number = nowSeconds()): string {
    const plaintext = taggedDumps(data, { sortKeys: this.sortKeys });
    const iat = Math.floor(now);
    if (this.issued?.iat !== iat) {
      const text = base64urlEncode(`{"alg":"dir","enc":"A256GCM","kid":"${this.current.kid}","iat":${iat}}`);
      this.issued = { iat, header: text, aad: Buffer.from(text, 'ascii') };
    }
    const { header, aad } = this.issued;
    const iv = pooledRandomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(aad);
    const ciphertext = joined(cipher.update(plaintext, 'utf8'), cipher.final());
    return `${header}..${base64urlEncode(iv)}.${base64urlEncode(ciphertext)}.${base64urlEncode(cipher.getAuthTag())}`;
  }

  /** The session data; throws only `BadData` subclasses. `maxAge` in seconds. */
  decrypt(token: string, options: UnsignOptions = {}): Record<string, unknown> {
    return this.decryptWithTimestamp(token, options).data;
  }

  decryptWithTimestamp(token: string, options: UnsignOptions = {}): { data: Record<string, unknown>; timestamp: number } {
    if (typeof token !== 'string' || token.length > this.maxLength) throw new BadSignature('The token is not a string or too long');
    const parts = token.split('.');
    if (parts.length !== 5 || parts[1] !== '') throw new BadSignature('Not a compact JWE with direct encryption');
    const [h, , ivText, ctText, tagText] = parts as [string, string, string, string, string];
    let read = this.lastRead;
    if (read?.text !== h) read = this.lastRead = { text: h, header: parseHeader(h), aad: Buffer.from(h, 'ascii') };
    const header = read.header;
    const key = this.byKid.get(header.kid);
    if (key === undefined) throw new BadSignature('The token was encrypted with an unknown key');
    const iv = base64urlDecode(ivText);
    const ciphertext = base64urlDecode(ctText);
    const tag = base64urlDecode(tagText);
    if (iv === null || iv.length !== 12 || ciphertext === null || tag === null || tag.length !== 16) {
      throw new BadSignature('Malformed JWE parts');
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
      decipher.setAAD(read.aad);
      decipher.setAuthTag(tag);
      plaintext = joined(decipher.update(ciphertext), decipher.final());
    } catch (err) {
      throw new BadSignature('The token failed authentication', undefined, { cause: err });
    }
    // Checked after authentication, so a forged `iat` cannot pass.
    if (options.maxAge !== undefined) {
      const age = (options.now ?? nowSeconds()) - header.iat;
      if (age > options.maxAge) throw new SignatureExpired(`Token age ${age} > ${options.maxAge} seconds`, undefined, new Date(header.iat * 1000));
      if (age < 0) throw new SignatureExpired(`Token age ${age} < 0 seconds`, undefined, new Date(header.iat * 1000));
    }
    const data = taggedLoads(plaintext.toString('utf8'));
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BadPayload('The session payload is not a JSON object');
    return { data: data as Record<string, unknown>, timestamp: header.iat };
  }
}

/** `a` + `b` without a copy when `b` is empty (GCM's final() always is). */
function joined(a: Buffer, b: Buffer): Buffer {
  return b.length === 0 ? a : Buffer.concat([a, b]);
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
  if (alg !== 'dir' || enc !== 'A256GCM' || crit !== undefined) throw new BadSignature('Unsupported JWE algorithm');
  if (typeof kid !== 'string' || typeof iat !== 'number' || !Number.isSafeInteger(iat)) {
    throw new BadSignature('The JWE header lacks a kid or iat');
  }
  return { alg, enc, kid, iat };
}
