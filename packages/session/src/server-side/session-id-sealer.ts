/**
 * Session ids as the per-user index stores them: sealed with AES-256-GCM
 * (node:crypto) under a key derived from SECRET_KEY for this one purpose.
 *
 * Why seal: the index must name each session well enough to delete its
 * record, and most stores keep records under a hash of the id precisely so
 * that a leaked table, directory or cache dump holds no usable session ids.
 * A plain id in the index would undo that. Sealed, the index reveals nothing
 * without the app's key, and the additional data (user key + id hash) pins
 * each sealed id to its entry, so entries cannot be swapped between users.
 * SECRET_KEY_FALLBACKS open ids sealed before a key rotation.
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { contentCipher, type ContentKey } from '../content-cipher.js';
import { deriveKey, deriveSigningKey, type SecretKey } from '../derived-keys.js';

const SALT = 'micro.user-session-index';
const IV = 12;
const TAG = 16;
const aesGcm = contentCipher('A256GCM');

export class SessionIdSealer {
  private readonly keys: readonly ContentKey[];

  /** `secretKeys` newest first (SECRET_KEY, then the fallbacks): seals with the first, opens with any. */
  constructor(secretKeys: readonly SecretKey[]) {
    if (secretKeys.length === 0) throw new TypeError('SessionIdSealer needs at least one secret key.');
    // HMAC-SHA256 of the salt under the secret: 32 bytes, an AES-256 key, made once per secret.
    this.keys = secretKeys.map((secret) => ({ key: deriveKey(secret, SALT, 'sha256'), keyObject: deriveSigningKey(secret, SALT, 'sha256') }));
  }

  /** `sid` sealed and bound to `context`: base64url of iv, tag and ciphertext. */
  seal(sid: string, context: string): string {
    const iv = randomBytes(IV);
    const { ciphertext, tag } = aesGcm.encrypt(this.keys[0]!, iv, Buffer.from(context, 'utf8'), sid);
    return Buffer.concat([iv, tag, ciphertext]).toString('base64url');
  }

  /** The id inside `sealed`, or null when no key opens it or it was sealed for another context. */
  open(sealed: string, context: string): string | null {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length <= IV + TAG) return null;
    const aad = Buffer.from(context, 'utf8');
    for (const key of this.keys) {
      try {
        return aesGcm.decrypt(key, raw.subarray(0, IV), aad, raw.subarray(IV + TAG), raw.subarray(IV, IV + TAG)).toString('utf8');
      } catch {
        // authentication failed under this key: try the next one
      }
    }
    return null;
  }
}
