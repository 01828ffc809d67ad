/**
 * Sessions in an encrypted cookie: a compact JWE (`dir` + `A256GCM`) whose
 * key is derived from SECRET_KEY with HKDF, so the client can neither read
 * nor change the data. Same cookie rules, rotation and expiry as the signed
 * interface. Format: docs/session-formats.md.
 */
import type { App } from '@micro/core';
import { CookieSessionInterface, type SessionCookieCodec } from './cookie-session-interface.js';
import { JweCookieCodec } from './jwe.js';
import { KeySetCache } from './key-set-cache.js';

interface Codecs {
  jwe: JweCookieCodec;
  cookie: SessionCookieCodec;
}

export class EncryptedCookieSessionInterface extends CookieSessionInterface {
  private readonly codecs = new KeySetCache<Codecs>((keys) => {
    const jwe = new JweCookieCodec({ secretKey: keys[0]!, fallbacks: keys.slice(1) });
    return { jwe, cookie: { dumps: (data) => jwe.encrypt(data), loads: (value, options) => jwe.decrypt(value, options) } };
  });

  /** The JWE codec for the app's keys (SECRET_KEY encrypts, fallbacks still decrypt); null without a secret key. */
  getCodec(app: App): JweCookieCodec | null {
    return this.codecs.get(app)?.jwe ?? null;
  }

  protected cookieCodec(app: App): SessionCookieCodec | null {
    return this.codecs.get(app)?.cookie ?? null;
  }
}
