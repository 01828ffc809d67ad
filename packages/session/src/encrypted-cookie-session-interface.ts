/**
 * Sessions in an encrypted cookie: a compact JWE (`dir` + `A256GCM`, or `XC20P`
 * with SESSION_ENCRYPTION) whose key is derived from SECRET_KEY with HKDF, so the
 * client can neither read nor change the data. Same cookie rules, rotation and
 * expiry as the signed interface. Format: docs/session-formats.md.
 */
import type { App } from '@micro/core';
import { CookieSessionInterface, type SessionCookieCodec } from './cookie-session-interface.js';
import type { JweEncryption } from './content-cipher.js';
import { DEFAULT_DECRYPT_CACHE_SIZE, JweCookieCodec } from './jwe.js';
import { KeySetCache } from './key-set-cache.js';

interface Codecs {
  jwe: JweCookieCodec;
  cookie: SessionCookieCodec;
}

export class EncryptedCookieSessionInterface extends CookieSessionInterface {
  override readonly storeName: string = 'encrypted-cookie';
  // One cache per encryption and decrypt-cache size, so changing either takes effect like a key change.
  // Nested maps: looked up on every request, so no key string is built.
  private readonly codecs = new Map<JweEncryption, Map<number, KeySetCache<Codecs>>>();

  /** The JWE codec for the app's keys (SECRET_KEY encrypts, fallbacks still decrypt); null without a secret key. */
  getCodec(app: App): JweCookieCodec | null {
    return this.codecsFor(app)?.jwe ?? null;
  }

  protected cookieCodec(app: App): SessionCookieCodec | null {
    return this.codecsFor(app)?.cookie ?? null;
  }

  private codecsFor(app: App): Codecs | null {
    const enc: JweEncryption = app.config.SESSION_ENCRYPTION ?? 'A256GCM';
    const decryptCacheSize = app.config.SESSION_DECRYPT_CACHE_SIZE ?? DEFAULT_DECRYPT_CACHE_SIZE;
    let bySize = this.codecs.get(enc);
    if (bySize === undefined) this.codecs.set(enc, (bySize = new Map()));
    let cache = bySize.get(decryptCacheSize);
    if (cache === undefined) {
      cache = new KeySetCache<Codecs>((keys) => {
        const jwe = new JweCookieCodec({ secretKey: keys[0]!, fallbacks: keys.slice(1), enc, decryptCacheSize });
        return { jwe, cookie: { dumps: (data) => jwe.encrypt(data), loads: (value, options) => jwe.decrypt(value, options) } };
      });
      bySize.set(decryptCacheSize, cache);
    }
    return cache.get(app);
  }
}
