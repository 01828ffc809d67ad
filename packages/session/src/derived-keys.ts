/**
 * Key derivation as itsdangerous does it, with a process-wide cache so a
 * request never re-derives a key: the same (secret, salt, digest, method)
 * always maps to the same derived key, and to the same `KeyObject` of it.
 */
import { Buffer } from 'node:buffer';
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** itsdangerous' `key_derivation`. Flask's session cookie uses `hmac`. */
export type KeyDerivation = 'hmac' | 'django-concat' | 'concat' | 'none';

export type SecretKey = string | Uint8Array;

interface DerivedKey {
  bytes: Buffer;
  /** The same bytes as a `KeyObject`, made once (see `deriveSigningKey`). */
  object: KeyObject;
}

const MAX_ENTRIES = 256;
const cache = new Map<string, DerivedKey>();

export function toBytes(key: SecretKey): Buffer {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

function cacheId(secret: SecretKey, salt: string, digest: string, method: KeyDerivation): string {
  const s = typeof secret === 'string' ? 's' + secret : 'b' + toBytes(secret).toString('hex');
  return `${method}\0${digest}\0${salt.length}:${salt}\0${s}`;
}

/** The signing key itsdangerous derives from `secret` for `salt`. */
export function deriveKey(secret: SecretKey, salt: string, digest = 'sha1', method: KeyDerivation = 'hmac'): Buffer {
  return derived(secret, salt, digest, method).bytes;
}

/**
 * The same key as a `KeyObject`, for `createHmac`. Made once per derived key:
 * given a Buffer, `createHmac` imports the key on every call, which costs
 * about 10 µs more per MAC on Node 24 than passing a `KeyObject`.
 */
export function deriveSigningKey(secret: SecretKey, salt: string, digest = 'sha1', method: KeyDerivation = 'hmac'): KeyObject {
  return derived(secret, salt, digest, method).object;
}

function derived(secret: SecretKey, salt: string, digest: string, method: KeyDerivation): DerivedKey {
  const id = cacheId(secret, salt, digest, method);
  let key = cache.get(id);
  if (key === undefined) {
    const bytes = derive(toBytes(secret), Buffer.from(salt, 'utf8'), digest, method);
    key = { bytes, object: createSecretKey(bytes) };
    // A handful of keys per app; a bound keeps a misuse (a new secret per call) from leaking memory.
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(id, key);
  }
  return key;
}

function derive(secret: Buffer, salt: Buffer, digest: string, method: KeyDerivation): Buffer {
  switch (method) {
    case 'hmac':
      return createHmac(digest, secret).update(salt).digest();
    case 'django-concat':
      return createHash(digest).update(salt).update('signer').update(secret).digest();
    case 'concat':
      return createHash(digest).update(salt).update(secret).digest();
    case 'none':
      return secret;
  }
}
