/**
 * What the signed and the encrypted cookie interfaces share: the whole
 * session lives in the cookie, turned into a string and back by a codec
 * built for the app's keys. Synchronous: no I/O, no promises.
 */
import type { App, Request, Response } from '@micro/core';
import { openWithinAbsoluteLifetime, stampCreatedAt, withCreatedAt } from './absolute-lifetime.js';
import { BadData, BadPayload } from './errors.js';
import { Session } from './session.js';
import { SessionInterface } from './session-interface.js';
import { cookieRejection, SessionObserver } from './session-observer.js';
import type { UnsignOptions } from './signer.js';
import { isVoidedBinding } from './user-binding.js';

/** Turns session data into a cookie value and back; `loads` throws only `BadData`. */
export interface SessionCookieCodec {
  dumps(data: ReadonlyMap<string, unknown>): string;
  loads(value: string, options: UnsignOptions): Record<string, unknown>;
}

export abstract class CookieSessionInterface extends SessionInterface<Session> {
  /** Where the session is kept, as spans and session events name it. */
  readonly storeName: string = 'cookie';
  /** Spans and lifecycle events around opening and saving (session-observer.ts). */
  private readonly observer = new SessionObserver({
    store: () => this.storeName,
    rejectedCookie: (app, cookie) => cookieRejection(this.cookieCodec(app), cookie, this.getMaxAge(app)),
  });

  /** The codec for the app's current keys; null without a secret key (the null session is used). */
  protected abstract cookieCodec(app: App): SessionCookieCodec | null;

  /**
   * An empty session for a missing, tampered, expired or malformed cookie,
   * never an error: Flask does the same, except that it answers 500 for an
   * authentic cookie whose payload is bad, where we log and start afresh.
   */
  openSession(app: App, request: Request): Session | null {
    return this.observer.open(this, app, request, this.openFromCookie);
  }

  private openFromCookie(app: App, request: Request): Session | null {
    const codec = this.cookieCodec(app);
    if (codec === null) return null;
    return this.rememberCookieChunks(app, request, this.decodeSession(app, codec, this.getSessionCookie(app, request)));
  }

  private decodeSession(app: App, codec: SessionCookieCodec, value: string | null): Session {
    if (!value) return new Session();
    try {
      const opened = openWithinAbsoluteLifetime(app, codec.loads(value, { maxAge: this.getMaxAge(app) }));
      if (opened === null || isVoidedBinding(app, opened.data)) return replacedSession();
      const session = new Session(opened.data, { isNew: false });
      session.createdAt = opened.createdAt;
      return session;
    } catch (err) {
      if (!(err instanceof BadData)) throw err;
      if (err instanceof BadPayload) this.logBadPayload(app, err);
      return new Session();
    }
  }

  /**
   * Cookie sessions open lazily (core opens them on first use). A request
   * that never used its session needs a save only to refresh the cookie of a
   * permanent session (SESSION_REFRESH_EACH_REQUEST), as Flask does.
   */
  saveUnopened(app: App, request: Request, response: Response): void {
    if (!app.config.SESSION_REFRESH_EACH_REQUEST || !this.getSessionCookie(app, request)) return;
    const session = this.openSession(app, request);
    if (session !== null) this.saveSession(app, session, response);
  }

  saveSession(app: App, session: Session, response: Response): void {
    this.observer.save(this, app, session, response, this.saveToCookie);
  }

  private saveToCookie(app: App, session: Session, response: Response): void {
    if (!this.prepareSave(app, session, response)) return;
    // prepareSave only says yes for an app with keys: the session was opened with them.
    const codec = this.cookieCodec(app);
    if (codec === null) return;
    stampCreatedAt(app, session);
    this.setSessionCookie(app, response, codec.dumps(withCreatedAt(app, session)), session);
  }
}

/**
 * A fresh session in place of one that may not be used (past
 * SESSION_ABSOLUTE_LIFETIME, or voided by SESSION_VALID_AFTER): empty and
 * modified, so saving deletes the old cookie.
 */
function replacedSession(): Session {
  const session = new Session();
  session.clear();
  return session;
}
