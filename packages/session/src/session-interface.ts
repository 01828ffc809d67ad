/**
 * Flask's `SessionInterface` as an abstract class: two abstract methods,
 * `openSession` and `saveSession`, and a small overridable method for every
 * other decision, with Flask's defaults. Subclasses (signed cookies,
 * encrypted cookies, server-side stores, your own) share `setSessionCookie`
 * and `deleteSessionCookie`, so every backend writes its cookie the same way.
 *
 * A minimal custom interface:
 *
 * ```ts
 * class HeaderSessionInterface extends SessionInterface {
 *   openSession(app: App, request: Request) {
 *     const id = this.getSessionCookie(app, request);
 *     return new Session(id ? store.get(id) : null);
 *   }
 *   saveSession(app: App, session: Session, response: Response) {
 *     if (!this.prepareSave(app, session, response)) return;
 *     this.setSessionCookie(app, response, store.put(session.toObject()), session);
 *   }
 * }
 * ```
 */
import { type App, type Request, type Response, type SessionInterface as CoreSessionInterface } from '@micro/core';
import { capAtAbsoluteLimit, needsCreatedAt } from './absolute-lifetime.js';
import { CHUNK_MARKER, chunkCookieName, chunksSent, readChunkedCookie, splitCookieValue } from './cookie-chunks.js';
import { SessionCookieSerializer } from './cookie-serializer.js';
import type { BadPayload } from './errors.js';
import type { KeyDerivation } from './derived-keys.js';
import { KeySetCache } from './key-set-cache.js';
import { NullSession } from './null-session.js';
import { PERMANENT_KEY, type Session } from './session.js';
import type { SessionHealth } from './session-health.js';
import { SessionCookieTemplate } from './session-cookie-template.js';
import { failsLoudly, oversize, sessionCookieTooLarge, tooLargeWarning } from './session-cookie-size.js';
import { Signer } from './signer.js';

export type SameSite = 'Strict' | 'Lax' | 'None';

/** The attributes every session cookie of an app is written with. */
export interface SessionCookieAttributes {
  domain: string | null;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: SameSite | null;
  partitioned: boolean;
}

export interface SignerSpec {
  /** Separates this use of the secret key from others, e.g. `'flask-session'`. */
  salt: string;
  /** Default `'hmac'` (what Flask and Flask-Session use). */
  keyDerivation?: KeyDerivation;
  /** Default `'sha1'`. */
  digest?: string;
}

const SAME_SITE: Readonly<Record<string, SameSite>> = { strict: 'Strict', lax: 'Lax', none: 'None' };

export abstract class SessionInterface<S extends Session<object> = Session> implements CoreSessionInterface<S> {
  /** Salt of the signed session cookie (Flask's `SecureCookieSessionInterface.salt`). */
  salt = 'cookie-session';

  private readonly serializers = new KeySetCache((keys) => this.makeSigningSerializer(keys));
  private readonly signers = new Map<string, KeySetCache<Signer>>();
  private readonly cookieTemplate = new SessionCookieTemplate();
  // Chunk cookies (`session.1`…) the browser sent with the request a session was opened from.
  private readonly cookieChunks = new WeakMap<object, readonly number[]>();

  /** Load the session for this request; null means "use the null session" (e.g. no secret key). */
  abstract openSession(app: App, request: Request): S | null | Promise<S | null>;

  /** Store the session and write (or delete) its cookie on `response`. */
  abstract saveSession(app: App, session: S, response: Response): void | Promise<void>;

  // --- null session -------------------------------------------------------

  /** The stand-in when no session could be opened: reads work, writes throw Flask's message. */
  makeNullSession(_app: App): S {
    // Core never saves a null session, so it only needs the reading half of `S`.
    return new NullSession() as unknown as S;
  }

  isNullSession(session: unknown): boolean {
    return session instanceof NullSession;
  }

  /**
   * For a readiness probe (`sessions.health(app)`). A cookie carries its own
   * session, so there is nothing to reach: always ok. Server-side interfaces
   * read from their store.
   */
  health(): Promise<SessionHealth> {
    return Promise.resolve({ ok: true, store: 'cookie', state: 'closed' });
  }

  // --- cookie attributes (Flask's defaults, read from app.config) ----------

  /** SESSION_COOKIE_NAME. */
  getCookieName(app: App): string {
    return app.config.SESSION_COOKIE_NAME;
  }

  /** SESSION_COOKIE_DOMAIN, or null (the cookie stays with the host that set it). */
  getCookieDomain(app: App): string | null {
    return app.config.SESSION_COOKIE_DOMAIN || null;
  }

  /** SESSION_COOKIE_PATH, else APPLICATION_ROOT. */
  getCookiePath(app: App): string {
    return app.config.SESSION_COOKIE_PATH || app.config.APPLICATION_ROOT;
  }

  /** SESSION_COOKIE_HTTPONLY. */
  getCookieHttponly(app: App): boolean {
    return app.config.SESSION_COOKIE_HTTPONLY;
  }

  /** SESSION_COOKIE_SECURE. */
  getCookieSecure(app: App): boolean {
    return app.config.SESSION_COOKIE_SECURE;
  }

  /** SESSION_COOKIE_SAMESITE, normalised to `Strict`, `Lax` or `None`; throws for anything else. */
  getCookieSamesite(app: App): SameSite | null {
    const value: unknown = app.config.SESSION_COOKIE_SAMESITE;
    if (value === null || value === undefined) return null;
    const known = typeof value === 'string' ? SAME_SITE[value.toLowerCase()] : undefined;
    if (known === undefined) {
      throw new TypeError(`SESSION_COOKIE_SAMESITE must be 'Strict', 'Lax', 'None' or null; got ${JSON.stringify(value)}.`);
    }
    return known;
  }

  /** SESSION_COOKIE_PARTITIONED (CHIPS); a partitioned cookie is always Secure too. */
  getCookiePartitioned(app: App): boolean {
    return app.config.SESSION_COOKIE_PARTITIONED;
  }

  /** All attributes at once, as `setSessionCookie` and `deleteSessionCookie` use them. */
  getCookieAttributes(app: App): SessionCookieAttributes {
    const partitioned = this.getCookiePartitioned(app);
    return {
      domain: this.getCookieDomain(app),
      path: this.getCookiePath(app),
      httpOnly: this.getCookieHttponly(app),
      secure: this.getCookieSecure(app) || partitioned,
      sameSite: this.getCookieSamesite(app),
      partitioned,
    };
  }

  // --- lifetime and saving decisions ---------------------------------------

  /**
   * When a permanent session's cookie expires (now + PERMANENT_SESSION_LIFETIME,
   * never past its SESSION_ABSOLUTE_LIFETIME); null for a browser-session cookie.
   */
  getExpirationTime(app: App, session: S): Date | null {
    if (!isPermanent(session)) return null;
    return new Date(Date.now() + capAtAbsoluteLimit(app, session, app.config.PERMANENT_SESSION_LIFETIME * 1000));
  }

  /**
   * Set the cookie when the session changed, or on every request for a permanent one with SESSION_REFRESH_EACH_REQUEST,
   * or once to give a session from before SESSION_ABSOLUTE_LIFETIME was set its creation time.
   */
  shouldSetCookie(app: App, session: S): boolean {
    return session.modified || (isPermanent(session) && app.config.SESSION_REFRESH_EACH_REQUEST) || needsCreatedAt(app, session);
  }

  /** Lifetime used as the max age when reading a session (PERMANENT_SESSION_LIFETIME, seconds), as Flask does for every session. */
  getMaxAge(app: App): number {
    return Math.floor(app.config.PERMANENT_SESSION_LIFETIME);
  }

  // --- signing -------------------------------------------------------------

  /**
   * Flask's session cookie serializer for the app's keys (SECRET_KEY signs,
   * SECRET_KEY_FALLBACKS also verify), built once per key set. Null without a
   * secret key.
   */
  getSigningSerializer(app: App): SessionCookieSerializer | null {
    return this.serializers.get(app);
  }

  /**
   * An itsdangerous `Signer` (no timestamp) over the app's keys, for signing
   * your own values such as session ids. Cached per salt and key set; null
   * without a secret key.
   */
  getSigner(app: App, spec: SignerSpec): Signer | null {
    const keyDerivation = spec.keyDerivation ?? 'hmac';
    const digest = spec.digest ?? 'sha1';
    const id = `${keyDerivation}\0${digest}\0${spec.salt}`;
    let cache = this.signers.get(id);
    if (cache === undefined) {
      cache = new KeySetCache((secretKeys) => new Signer({ secretKeys, salt: spec.salt, keyDerivation, digest }));
      this.signers.set(id, cache);
    }
    return cache.get(app);
  }

  /** Build the serializer for `keys` (newest first). Override to change salt handling or limits. */
  protected makeSigningSerializer(keys: readonly (string | Uint8Array)[]): SessionCookieSerializer {
    return new SessionCookieSerializer({ secretKey: keys[0]!, fallbacks: keys.slice(1), salt: this.salt });
  }

  // --- cookie I/O shared by every backend ----------------------------------

  /** The session cookie's value in the request, its chunks joined (see cookie-chunks.ts), or null. */
  getSessionCookie(app: App, request: Request): string | null {
    return readChunkedCookie(request.cookies, this.getCookieName(app));
  }

  /**
   * Note which chunk cookies came with `request`, so that saving `session`
   * deletes those its new cookie does not use. Returns `session`.
   */
  protected rememberCookieChunks(app: App, request: Request, session: S): S {
    const sent = chunksSent(request.cookies, this.getCookieName(app));
    if (sent.length > 0) this.cookieChunks.set(session, sent);
    return session;
  }

  /**
   * The part of saving every cookie-backed interface shares (Flask's
   * `save_session` up to the cookie write): adds `Vary: Cookie` when the
   * session was accessed, deletes the cookie of a session emptied during the
   * request, and returns true only when a cookie should be written.
   */
  prepareSave(app: App, session: S, response: Response): boolean {
    if (session.accessed) varyCookie(response);
    if (session.toMap().size === 0) {
      if (session.modified) this.deleteSessionCookie(app, response, session);
      return false;
    }
    return this.shouldSetCookie(app, session);
  }

  /**
   * Write the session cookie with the app's attributes; `Expires` from
   * `getExpirationTime` (permanent sessions only). Adds `Vary: Cookie`.
   * A header over MAX_COOKIE_SIZE is split into chunks with
   * SESSION_COOKIE_CHUNKING; otherwise it throws `SessionCookieTooLarge` in
   * development (DEBUG, TESTING) and logs Flask's warning in production.
   * Chunk cookies the browser sent and the new cookie does not use are deleted.
   */
  setSessionCookie(app: App, response: Response, value: string, session: S): void {
    const name = this.getCookieName(app);
    const attrs = this.getCookieAttributes(app);
    const expires = this.getExpirationTime(app, session);
    const header = this.cookieTemplate.header(name, value, attrs, expires);
    const limit = app.config.MAX_COOKIE_SIZE;
    const size = oversize(header, limit);
    let used = 0;
    if (size === null || !app.config.SESSION_COOKIE_CHUNKING) {
      if (size !== null) {
        if (failsLoudly(app)) throw sessionCookieTooLarge(name, size, limit, session, null);
        app.logger.warn(tooLargeWarning(name, value, size, limit));
      }
      response.headers.append('Set-Cookie', header);
    } else {
      // Every chunk carries the same attributes and Expires, so they expire together.
      const tail = this.cookieTemplate.header(name, '', attrs, expires).slice(name.length + 1);
      const maxChunks = app.config.SESSION_COOKIE_MAX_CHUNKS;
      const chunks = splitCookieValue(name, value, tail.length, limit, maxChunks);
      if (chunks === null) {
        const error = sessionCookieTooLarge(name, size, limit, session, maxChunks);
        if (failsLoudly(app)) throw error;
        // Nothing is written: the browser keeps the cookies it has, the older session.
        app.logger.error(error.message);
        return;
      }
      response.headers.append('Set-Cookie', this.cookieTemplate.header(name, CHUNK_MARKER + chunks.length, attrs, expires));
      for (let i = 0; i < chunks.length; i++) response.headers.append('Set-Cookie', `${chunkCookieName(name, i + 1)}=${chunks[i]}${tail}`);
      used = chunks.length;
    }
    this.deleteCookieChunks(app, response, session, used);
    varyCookie(response);
  }

  /**
   * Log (at debug level, else info) that a cookie carrying our signature or
   * encryption could not be decoded. Such a cookie means a bug or a leaked
   * key; Flask answers 500 for it, micro starts an empty session instead.
   */
  logBadPayload(app: App, err: BadPayload): void {
    const line =
      `Ignoring the '${this.getCookieName(app)}' cookie: it is authentic but its payload is not readable` +
      ` (${err.message}); starting an empty session.`;
    if (app.logger.debug) app.logger.debug(line);
    else app.logger.info(line);
  }

  /**
   * Expire the session cookie in the browser, with the attributes it was set
   * with, and the chunk cookies that came with `session`. Adds `Vary: Cookie`.
   */
  deleteSessionCookie(app: App, response: Response, session?: S): void {
    const { domain, path, httpOnly, secure, sameSite, partitioned } = this.getCookieAttributes(app);
    response.deleteCookie(this.getCookieName(app), { domain, path, httpOnly, secure, sameSite, partitioned });
    if (session !== undefined) this.deleteCookieChunks(app, response, session, 0);
    varyCookie(response);
  }

  /** Expire the chunk cookies that came with `session`, numbered above `keep`. */
  private deleteCookieChunks(app: App, response: Response, session: S, keep: number): void {
    const sent = this.cookieChunks.get(session);
    if (sent === undefined) return;
    const { domain, path, httpOnly, secure, sameSite, partitioned } = this.getCookieAttributes(app);
    const name = this.getCookieName(app);
    for (const index of sent) {
      if (index > keep) response.deleteCookie(chunkCookieName(name, index), { domain, path, httpOnly, secure, sameSite, partitioned });
    }
  }
}

/** Reads `_permanent` without marking the session accessed (saving is not the user reading). */
function isPermanent(session: Session<object>): boolean {
  return Boolean(session.toMap().get(PERMANENT_KEY));
}

function varyCookie(response: Response): void {
  response.headers.addToken('Vary', 'Cookie');
}
