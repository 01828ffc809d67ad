/**
 * How a session is named anywhere outside its cookie (the devices list, the
 * revoke API, audit events): SHA-256 of the id, base64url, the first 22
 * characters (132 bits). It identifies a session without being a credential.
 */
import { createHash } from 'node:crypto';

const ID_HASH = /^[A-Za-z0-9_-]{22}$/;

export function sessionIdHash(sid: string): string {
  return createHash('sha256').update(sid).digest('base64url').slice(0, 22);
}

/** True for text shaped like an id hash; anything else names no session (and is never looked up). */
export function isSessionIdHash(text: unknown): text is string {
  return typeof text === 'string' && ID_HASH.test(text);
}
