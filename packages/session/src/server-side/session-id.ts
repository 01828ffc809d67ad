/**
 * Session ids and their cookie. An id is `SESSION_ID_LENGTH` crypto-random
 * bytes in base64url (Python's `secrets.token_urlsafe`, as Flask-Session makes
 * them). With SESSION_USE_SIGNER the cookie is `id.signature`, an itsdangerous
 * `Signer` with salt `flask-session`, key derivation `hmac` and no timestamp:
 * byte for byte what Flask-Session writes and reads.
 */
import { secretRandom } from '../random-pool.js';
import type { SignerSpec } from '../session-interface.js';
import { BadSignature } from '../errors.js';
import type { Signer } from '../signer.js';

/** How Flask-Session signs session ids. */
export const SESSION_ID_SIGNER: Readonly<SignerSpec> = Object.freeze({ salt: 'flask-session', keyDerivation: 'hmac' });

// Any base64url token of a plausible length; the store decides whether it exists.
const WELL_FORMED = /^[A-Za-z0-9_-]{16,512}$/;

/** A fresh id: `bytes` of crypto-random entropy, base64url without padding. */
export function generateSessionId(bytes: number): string {
  return secretRandom.base64url(bytes);
}

/** True for text that could be an id we issued; anything else is never looked up. */
export function isWellFormedSessionId(text: string): boolean {
  return WELL_FORMED.test(text);
}

/** The cookie value for `id`: signed when a signer is given. */
export function sessionIdCookieValue(id: string, signer: Signer | null): string {
  return signer ? signer.sign(id) : id;
}

/** The id inside a cookie value, or null when it is tampered with, unsigned or malformed. */
export function sessionIdFromCookie(value: string, signer: Signer | null): string | null {
  let id = value;
  if (signer) {
    try {
      id = signer.unsign(value);
    } catch (err) {
      if (err instanceof BadSignature) return null;
      throw err;
    }
  }
  return isWellFormedSessionId(id) ? id : null;
}
