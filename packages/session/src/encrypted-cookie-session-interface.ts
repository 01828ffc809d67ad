/**
 * Sessions in an encrypted cookie: a compact JWE (`dir` + `A256GCM`) whose
 * key is derived from SECRET_KEY with HKDF, so the client can neither read
 * nor change the data. Same cookie rules, rotation and expiry as the signed
 * interface; synchronous too. Format: docs/session-formats.md.
 */
import type { App, Request, Response } from '@micro/core';
import { BadData, BadPayload } from './errors.js';
import { JweCookieCodec } from './jwe.js';
import { KeySetCache } from './key-set-cache.js';
import { Session } from './session.js';
import { SessionInterface } from './session-interface.js';

export class EncryptedCookieSessionInterface extends SessionInterface<Session> {
  private readonly codecs = new KeySetCache((keys) => new JweCookieCodec({ secretKey: keys[0]!, fallbacks: keys.slice(1) }));

  /** The JWE codec for the app's keys (SECRET_KEY encrypts, fallbacks still decrypt); null without a secret key. */
  getCodec(app: App): JweCookieCodec | null {
    return this.codecs.get(app);
  }

  openSession(app: App, request: Request): Session | null {
    const codec = this.getCodec(app);
    if (codec === null) return null;
    const value = this.getSessionCookie(app, request);
    if (!value) return new Session();
    try {
      return new Session(codec.decrypt(value, { maxAge: this.getMaxAge(app) }), { isNew: false });
    } catch (err) {
      if (!(err instanceof BadData)) throw err;
      if (err instanceof BadPayload) this.logBadPayload(app, err);
      return new Session();
    }
  }

  saveSession(app: App, session: Session, response: Response): void {
    if (!this.prepareSave(app, session, response)) return;
    const codec = this.getCodec(app);
    if (codec === null) return;
    this.setSessionCookie(app, response, codec.encrypt(session.toMap()), session);
  }
}
