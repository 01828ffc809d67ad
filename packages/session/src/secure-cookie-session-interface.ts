/**
 * The default interface, Flask's `SecureCookieSessionInterface`: the whole
 * session lives in a signed (not encrypted) cookie, byte-compatible with
 * Flask's for the same secret key.
 */
import type { App } from '@micro/core';
import { CookieSessionInterface, type SessionCookieCodec } from './cookie-session-interface.js';

export class SecureCookieSessionInterface extends CookieSessionInterface {
  protected cookieCodec(app: App): SessionCookieCodec | null {
    return this.getSigningSerializer(app);
  }
}
