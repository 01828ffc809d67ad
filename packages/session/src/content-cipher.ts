/**
 * The JWE content encryptions the encrypted cookie can use, behind one small
 * interface so the token format (jwe.ts) does not care which one runs.
 *
 * - `A256GCM` (RFC 7518 §5.3): AES-256-GCM through node:crypto. The default;
 *   any JOSE library reads it. Each call pays node's per-call OpenSSL set-up
 *   (~3 µs), since node cannot reuse a cipher context.
 * - `XC20P` (draft-amringer-jose-chacha): XChaCha20-Poly1305 through libsodium
 *   (sodium-native), ~1 µs, the primitive family @fastify/secure-session uses.
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { requireSodium, type SodiumAead } from './sodium.js';

export type JweEncryption = 'A256GCM' | 'XC20P';
export const JWE_ENCRYPTIONS: readonly JweEncryption[] = ['A256GCM', 'XC20P'];

/**
 * A 32-byte content key in both forms, made once per key: libsodium takes the
 * bytes; node:crypto takes the `KeyObject`, since given a Buffer it imports
 * the key on every call (about 15 µs more per AES-GCM call on Node 24).
 */
export interface ContentKey {
  readonly key: Buffer;
  readonly keyObject: KeyObject;
}

export interface ContentCipher {
  readonly enc: JweEncryption;
  /** IV length in bytes; the tag is always 16. */
  readonly ivLength: number;
  encrypt(key: ContentKey, iv: Buffer, aad: Buffer, plaintext: string): { ciphertext: Buffer; tag: Buffer };
  /** The plaintext; throws when authentication fails. */
  decrypt(key: ContentKey, iv: Buffer, aad: Buffer, ciphertext: Buffer, tag: Buffer): Buffer;
}

const aes256gcm: ContentCipher = {
  enc: 'A256GCM',
  ivLength: 12,
  encrypt(key, iv, aad, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key.keyObject, iv);
    cipher.setAAD(aad);
    const ciphertext = joined(cipher.update(plaintext, 'utf8'), cipher.final());
    return { ciphertext, tag: cipher.getAuthTag() };
  },
  decrypt(key, iv, aad, ciphertext, tag) {
    const decipher = createDecipheriv('aes-256-gcm', key.keyObject, iv, { authTagLength: 16 });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return joined(decipher.update(ciphertext), decipher.final());
  },
};

function xchacha20poly1305(sodium: SodiumAead): ContentCipher {
  return {
    enc: 'XC20P',
    ivLength: 24,
    encrypt(key, iv, aad, plaintext) {
      const m = Buffer.from(plaintext, 'utf8');
      const ciphertext = Buffer.allocUnsafe(m.length);
      const tag = Buffer.allocUnsafe(16);
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(ciphertext, tag, m, aad, null, iv, key.key);
      return { ciphertext, tag };
    },
    decrypt(key, iv, aad, ciphertext, tag) {
      const m = Buffer.allocUnsafe(ciphertext.length);
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, null, ciphertext, tag, aad, iv, key.key);
      return m;
    },
  };
}

let xc20p: ContentCipher | undefined;

/** The cipher for `enc`; XC20P throws a clear error when sodium-native is missing. */
export function contentCipher(enc: JweEncryption): ContentCipher {
  if (enc === 'A256GCM') return aes256gcm;
  if (enc === 'XC20P') return (xc20p ??= xchacha20poly1305(requireSodium()));
  throw new TypeError(`Unknown JWE content encryption ${JSON.stringify(enc)}: use one of ${JWE_ENCRYPTIONS.join(', ')}`);
}

/** `a` + `b` without a copy when `b` is empty (GCM's final() always is). */
function joined(a: Buffer, b: Buffer): Buffer {
  return b.length === 0 ? a : Buffer.concat([a, b]);
}
