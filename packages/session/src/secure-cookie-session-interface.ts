/**
 * The default interface, Flask's `SecureCookieSessionInterface`: the whole
 * session lives in a signed (not encrypted) cookie, byte-compatible with
 * Flask's for the same secret key. Synchronous: no I/O, no promises.
 */
import type { App, Request, Response } from '@micro/core';
import { BadData, BadPayload } from './errors.js';
import { Session } from './session.js';
import { SessionInterface } from './session-interface.js';

export class SecureCookieSessionInterface extends SessionInterface<Session> {
  /**
   * An empty session for a missing, tampered, expired or malformed cookie,
   * never an error: Flask does the same, except that it answers 500 for a
   * validly signed cookie whose payload is bad, where we log and start afresh.
   */
  openSession(app: App, request: Request): Session | null {
    const serializer = this.getSigningSerializer(app);
    if (serializer === null) return null;
    const value = this.getSessionCookie(app, request);
    if (!value) return new Session();
    try {
      return new Session(serializer.loads(value, { maxAge: this.getMaxAge(app) }), { isNew: false });
    } catch (err) {
      if (!(err instanceof BadData)) throw err;
      if (err instanceof BadPayload) this.logBadPayload(app, err);
      return new Session();
    }
  }

  saveSession(app: App, session: Session, response: Response): void {
    if (!this.prepareSave(app, session, response)) return;
    // prepareSave only says yes for an app with keys: the session was opened with them.
    const serializer = this.getSigningSerializer(app);
    if (serializer === null) return;
    this.setSessionCookie(app, response, serializer.dumps(session.toMap()), session);
  }
}

