/**
 * Flask's classic custom session interface, in TypeScript on micro's public
 * API: the cookie holds only a session id, signed with itsdangerous' `Signer`
 * (salt `flask-session`, key derivation `hmac`, no timestamp); the data lives
 * in an in-memory container as JSON. Swap the Map for Redis or a database and
 * keep the rest.
 */
import { randomUUID } from 'node:crypto';
import type { App, Request, Response } from '@micro/core';
import { Session, SessionInterface, type SessionOptions } from '@micro/session';

/** A session that knows its id. */
export class MySession extends Session {
  constructor(
    readonly sid: string,
    data?: Record<string, unknown> | null,
    options?: SessionOptions,
  ) {
    super(data, options);
  }
}

export class MySessionInterface extends SessionInterface<MySession> {
  /** Session id → the session as JSON. */
  readonly container = new Map<string, string>();

  openSession(app: App, request: Request): MySession | null {
    const signer = this.getSigner(app, { salt: 'flask-session', keyDerivation: 'hmac' });
    if (signer === null) return null; // no SECRET_KEY: the null session explains what to do on write
    const cookie = this.getSessionCookie(app, request);
    const sid = cookie !== null && signer.validate(cookie) ? signer.unsign(cookie) : null;
    const json = sid === null ? undefined : this.container.get(sid);
    if (sid === null || json === undefined) return new MySession(randomUUID(), null, { isNew: true });
    return new MySession(sid, JSON.parse(json) as Record<string, unknown>, { isNew: false });
  }

  saveSession(app: App, session: MySession, response: Response): void {
    // Vary: Cookie, and for a session emptied in this request, delete its cookie.
    if (!this.prepareSave(app, session, response)) {
      if (session.toMap().size === 0 && session.modified) this.container.delete(session.sid);
      return;
    }
    this.container.set(session.sid, JSON.stringify(session.toObject()));
    const signer = this.getSigner(app, { salt: 'flask-session', keyDerivation: 'hmac' })!;
    this.setSessionCookie(app, response, signer.sign(session.sid), session);
  }
}
