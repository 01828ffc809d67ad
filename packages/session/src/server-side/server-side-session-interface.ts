/**
 * Flask-Session's `ServerSideSessionInterface` on micro's `SessionInterface`:
 * the cookie carries a (signed) random id, the data lives in a `SessionStore`.
 *
 * - An unknown, expired or tampered id opens a fresh session under a new id
 *   (no session fixation), and a session that stays empty is never stored.
 * - A changed session saves only what changed (`store.apply` with per-key
 *   deltas), so concurrent requests that change different keys all survive.
 * - A request that only reads never rewrites the record; with
 *   SESSION_REFRESH_EACH_REQUEST a permanent session's lifetime is extended
 *   with `store.touch` (one PEXPIRE on Redis).
 * - A store outage answers 503 with one log line naming the store and a
 *   Retry-After, leaves the cookie as it was and never writes an empty session
 *   over the stored one. With SESSION_OUTAGE_READONLY a reading request gets an
 *   empty read-only session instead (outage-session.ts).
 */
import { PayloadTooLarge, ServiceUnavailable, type App, type Request, type Response } from '@micro/core';
import { capAtAbsoluteLimit, changesWithCreatedAt, openWithinAbsoluteLifetime, stampCreatedAt, withCreatedAt } from '../absolute-lifetime.js';
import type { SessionHealth } from '../session-health.js';
import { recordRevocation } from '../record-revocation.js';
import { SessionInterface } from '../session-interface.js';
import { isVoidedBinding } from '../user-binding.js';
import { emitSessionEvent } from '../session-events.js';
import { SessionObserver } from '../session-observer.js';
import { PERMANENT_KEY } from '../session.js';
import type { Signer } from '../signer.js';
import { StoreCircuitOpenError } from '../stores/circuit-breaker.js';
import { StoreConflictError, StoreUnavailableError } from '../stores/errors.js';
import { SessionTooLargeError } from '../stores/session-too-large-error.js';
import type { SessionChanges, SessionData, SessionStore } from '../stores/store.js';
import { OutageSession, READ_ONLY_METHODS, type OutageMode } from './outage-session.js';
import { traceStore } from '../stores/traced-store.js';
import { ServerSideSession } from './server-side-session.js';
import { generateSessionId, SESSION_ID_SIGNER, sessionIdCookieValue, sessionIdFromCookie } from './session-id.js';
import { isSessionIdHash, sessionIdHash } from './user-session-index.js';
import { UserSessions, type UserSessionInfo } from './user-sessions.js';
import { storeHealth } from './store-health.js';
import './server-side-config.js';
import './outage-config.js';

export class ServerSideSessionInterface extends SessionInterface<ServerSideSession> {
  private requestsSinceCleanup = 0;
  private userSessionsOfStore: UserSessions | undefined;
  /** The store; wrapped in a TracedStore when an OpenTelemetry SDK is registered (telemetry.md). */
  readonly store: SessionStore;
  /** Spans and lifecycle events around opening and saving (session-observer.ts). */
  private readonly observer = new SessionObserver({
    store: () => this.store.name,
    rejectedCookie: (app, cookie) => (sessionIdFromCookie(cookie, app.config.SESSION_USE_SIGNER ? this.getSessionIdSigner(app) : null) === null ? 'tampered' : 'expired'),
  });

  /** `store` is used as given: build Redis and Memcached stores with the key prefix you want. */
  constructor(store: SessionStore) {
    super();
    this.store = traceStore(store);
  }

  /**
   * The stored session named by the request's cookie, or a new empty one.
   * Without I/O (and without a promise) when the request has no cookie.
   * Null (the null session) when SESSION_USE_SIGNER is on and no SECRET_KEY is set.
   */
  openSession(app: App, request: Request): ServerSideSession | null | Promise<ServerSideSession> {
    return this.observer.open(this, app, request, this.openFromStore);
  }

  private openFromStore(app: App, request: Request): ServerSideSession | null | Promise<ServerSideSession> {
    let signer: Signer | null = null;
    if (app.config.SESSION_USE_SIGNER) {
      signer = this.getSessionIdSigner(app);
      if (signer === null) return null;
    }
    this.countRequestForCleanup(app);
    const cookie = this.getSessionCookie(app, request);
    const sid = cookie === null ? null : sessionIdFromCookie(cookie, signer);
    if (sid === null) return this.newSession(app);
    return this.store.get(sid).then(
      (data) => (data === null ? this.newSession(app) : this.openStored(app, sid, data)),
      (err: unknown) => {
        const failure = this.storeFailed(app, err);
        const mode = failure instanceof ServiceUnavailable ? this.outageMode(app, request) : 'fail';
        if (mode === 'fail') throw failure;
        return new OutageSession(sid, failure as ServiceUnavailable, mode === 'read-only');
      },
    );
  }

  /**
   * The stored session, or a new one in place of a session past
   * SESSION_ABSOLUTE_LIFETIME or bound to a user before their
   * SESSION_VALID_AFTER. That record is destroyed here rather than left to
   * expire: its TTL was cut to the limit, but a record saved before the limit
   * was lowered, or in a store that expires nothing by itself, would otherwise
   * linger (its index entry is pruned when the user's sessions are listed).
   */
  private openStored(app: App, sid: string, stored: SessionData): ServerSideSession | Promise<ServerSideSession> {
    const opened = openWithinAbsoluteLifetime(app, stored);
    if (opened === null || isVoidedBinding(app, opened.data)) {
      const reason = opened === null ? 'absolute-lifetime' : 'valid-after';
      return this.store.destroy(sid).then(
        () => {
          // An audit log sees every end of a session, not only the ones a request asked for.
          emitSessionEvent(app, 'sessionDestroyed', { store: this.store.name, sid, reason });
          return this.newSession(app);
        },
        (err: unknown) => {
          throw this.storeFailed(app, err);
        },
      );
    }
    const session = new ServerSideSession(sid, opened.data, { isNew: false });
    session.createdAt = opened.createdAt;
    return session;
  }

  /**
   * Write what changed to the store, then the cookie. Runs before the
   * response's headers go out; if the store fails, no cookie is written.
   */
  saveSession(app: App, session: ServerSideSession, response: Response): void | Promise<void> {
    return this.observer.save(this, app, session, response, this.saveToStore);
  }

  private saveToStore(app: App, session: ServerSideSession, response: Response): void | Promise<void> {
    if (session.accessed) response.headers.addToken('Vary', 'Cookie');
    if (session instanceof OutageSession) {
      if (session.modified) throw session.refusal('changed'); // marked by hand: never saved
      return;
    }
    const saved = this.persist(app, session, response);
    if (saved === undefined) return;
    return saved.catch((err: unknown) => {
      throw this.storeFailed(app, err);
    });
  }

  /** For a readiness probe: one read from the store, bounded by its timeout (store-health.ts). */
  override health(): Promise<SessionHealth> {
    return storeHealth(this.store);
  }

  // --- small decisions, each overridable -----------------------------------

  /** A new, empty session under a fresh id; permanent when SESSION_PERMANENT is on. */
  newSession(app: App): ServerSideSession {
    const data = app.config.SESSION_PERMANENT ? { [PERMANENT_KEY]: true } : null;
    return new ServerSideSession(this.generateSid(app), data, { isNew: true });
  }

  /** SESSION_ID_LENGTH crypto-random bytes, base64url. */
  generateSid(app: App): string {
    return generateSessionId(app.config.SESSION_ID_LENGTH);
  }

  /** Flask-Session's id signer (salt `flask-session`, `hmac` key derivation) over SECRET_KEY and its fallbacks. */
  getSessionIdSigner(app: App): Signer | null {
    return this.getSigner(app, SESSION_ID_SIGNER);
  }

  /**
   * How long the store keeps a session after it is written or touched, in ms:
   * PERMANENT_SESSION_LIFETIME for every session, cut to what is left of its
   * SESSION_ABSOLUTE_LIFETIME. A non-permanent session's cookie ends with the
   * browser; its record goes this long after its last change, as in Flask-Session.
   */
  getStoreTtlMs(app: App, session: ServerSideSession): number {
    return Math.max(1000, capAtAbsoluteLimit(app, session, app.config.PERMANENT_SESSION_LIFETIME * 1000));
  }

  /** Extend the lifetime of a session that was only read: permanent ones with SESSION_REFRESH_EACH_REQUEST. */
  shouldTouch(app: App, session: ServerSideSession): boolean {
    return app.config.SESSION_REFRESH_EACH_REQUEST && session.toMap().get(PERMANENT_KEY) === true;
  }

  /**
   * What a request gets when its session cannot be read (outage-session.ts):
   * `'fail'` (a 503, the default), or with SESSION_OUTAGE_READONLY `'read-only'`
   * for GET, HEAD and OPTIONS and `'fail-on-use'` for other methods. Override
   * it to choose by route (`request.endpoint` is known here).
   */
  outageMode(app: App, request: Request): OutageMode {
    if (!app.config.SESSION_OUTAGE_READONLY) return 'fail';
    return READ_ONLY_METHODS.has(request.method) ? 'read-only' : 'fail-on-use';
  }

  /**
   * A store failure becomes a 503 (core's `ServiceUnavailable`) and one log
   * line naming the store, without the session id or data; Retry-After is the
   * rest of an open circuit breaker's cool-down, else 1 s. Failing fast logs
   * nothing: the breaker logged when it opened. A session over the store's
   * size limit is a 413 and one warning. Any other error (a bug, a wrong-type
   * Redis key) is passed through unchanged.
   */
  protected storeFailed(app: App, err: unknown): unknown {
    if (err instanceof SessionTooLargeError) {
      // What the client sent made the session too large: its request is refused, nothing else is touched.
      app.logger.warn(`[session] ${err.message}`);
      return new PayloadTooLarge('The session is too large to be saved.', { cause: err });
    }
    if (!(err instanceof StoreUnavailableError || err instanceof StoreConflictError)) return err;
    const failingFast = err instanceof StoreCircuitOpenError;
    if (!failingFast) app.logger.error(`[session] ${err.message.replace(/\s+/g, ' ')}`);
    const retryAfter = failingFast ? Math.max(1, Math.ceil(err.retryAfterMs / 1000)) : 1;
    return new ServiceUnavailable('The session store is unavailable. Please try again in a moment.', { cause: err, retryAfter });
  }

  // --- every session of a user (user-sessions.ts) --------------------------

  /**
   * The live sessions bound to `userId` with `session.bindUser`, most recently
   * seen first; `current` marks the asking request's session. Ids are
   * reported only as id hashes.
   */
  async listForUser(app: App, userId: string | number, options: { current?: { readonly sid: string } | null } = {}): Promise<UserSessionInfo[]> {
    return this.users.list(app, userId, options.current?.sid ?? null).catch((err: unknown) => {
      throw this.storeFailed(app, err);
    });
  }

  /** End the session of `userId` named by `idHash` (from `listForUser`); false when there is none. */
  async revoke(app: App, userId: string | number, idHash: string): Promise<boolean> {
    if (!isSessionIdHash(idHash)) return false;
    const sid = await this.users.sessionId(app, userId, idHash).catch((err: unknown) => {
      throw this.storeFailed(app, err);
    });
    if (sid === null) return false;
    await this.revokeSession(app, userId, sid);
    return true;
  }

  /**
   * Log `userId` out everywhere (after a password change, a stolen laptop),
   * except the session in `except` (a session or an id hash). Returns how many were ended.
   */
  async revokeAllForUser(app: App, userId: string | number, options: { except?: { readonly sid: string } | string | null } = {}): Promise<number> {
    const except = options.except;
    const keep = typeof except === 'string' ? except : except ? sessionIdHash(except.sid) : null;
    const sids = await this.users.sessionIds(app, userId, (h) => h !== keep).catch((err: unknown) => {
      throw this.storeFailed(app, err);
    });
    for (const sid of sids) await this.revokeSession(app, userId, sid);
    return sids.length;
  }

  /**
   * Where every revocation happens: delete the record (its next request, on
   * any process, starts empty), then its entry in the user's index.
   */
  async revokeSession(app: App, userId: string | number, sid: string): Promise<void> {
    try {
      await this.store.destroy(sid);
      await this.users.forget(app, userId, sid);
    } catch (err) {
      throw this.storeFailed(app, err);
    }
    // The sessionRevoked signal (audit logs) and the revocations counter; the event names the session by its id hash only.
    recordRevocation(app, 1, { store: this.store.name, user: String(userId), sid });
  }

  /** The per-user index over this interface's store. */
  protected get users(): UserSessions {
    return (this.userSessionsOfStore ??= new UserSessions(this.store, (app, userId, sid) => this.revokeSession(app, userId, sid)));
  }

  // --- saving ---------------------------------------------------------------

  /** The store work for this session, or undefined when there is none (no promise then). */
  private persist(app: App, session: ServerSideSession, response: Response): Promise<void> | undefined {
    this.users.refreshLastSeen(app, session);
    if (session.destroyPending) return this.saveDestroyed(app, session, response);
    if (session.regeneratePending) return this.saveUnderNewId(app, session, response, !session.isNew);
    if (session.isEmpty()) {
      // Emptied during the request: remove the record and the cookie. Never stored: nothing to do.
      if (session.isNew || !session.modified) return undefined;
      return this.users.destroy(app, session, session.sid).then(() => this.deleteSessionCookie(app, response));
    }
    const stamped = stampCreatedAt(app, session); // a session from before SESSION_ABSOLUTE_LIFETIME was set is written once to get one
    const ttl = this.getStoreTtlMs(app, session);
    if (session.isNew) {
      return this.users.set(app, session.sid, plain(withCreatedAt(app, session)), ttl).then(() => this.writeCookie(app, session, response));
    }
    if (session.modified || stamped) {
      // Stamped only: send just the creation time, so a concurrent request's changes are not overwritten.
      const changes = changesWithCreatedAt(app, session, session.modified ? changesOf(session) : { set: {}, delete: [] }, stamped);
      return this.users.apply(app, session, session.sid, changes, ttl).then(() => this.writeCookie(app, session, response));
    }
    if (this.shouldTouch(app, session)) {
      return this.store.touch(session.sid, ttl).then(() => this.writeCookie(app, session, response));
    }
    this.writeCookie(app, session, response);
    return undefined;
  }

  /** `destroy()`: the record goes; data written after it starts a new session under a new id. */
  private async saveDestroyed(app: App, session: ServerSideSession, response: Response): Promise<void> {
    if (session.isEmpty()) {
      if (!session.isNew) await this.users.destroy(app, session, session.sid);
      this.deleteSessionCookie(app, response);
      return;
    }
    await this.saveUnderNewId(app, session, response, !session.isNew);
  }

  /** `regenerate()`: store the whole session under a new id first, then drop the old record. */
  private async saveUnderNewId(app: App, session: ServerSideSession, response: Response, dropOld: boolean): Promise<void> {
    const oldId = session.sid;
    if (session.isEmpty()) {
      // Nothing to move: drop the old record and cookie, if there were any.
      if (dropOld) {
        await this.users.destroy(app, session, oldId);
        this.deleteSessionCookie(app, response);
      }
      return;
    }
    const newId = this.generateSid(app);
    stampCreatedAt(app, session);
    await this.users.set(app, newId, plain(withCreatedAt(app, session)), this.getStoreTtlMs(app, session), dropOld ? oldId : undefined);
    if (dropOld) await this.users.destroy(app, session, oldId);
    session.moveTo(newId);
    this.setSessionCookie(app, response, this.cookieValue(app, newId), session);
  }

  private writeCookie(app: App, session: ServerSideSession, response: Response): void {
    if (this.shouldSetCookie(app, session)) this.setSessionCookie(app, response, this.cookieValue(app, session.sid), session);
  }

  private cookieValue(app: App, sid: string): string {
    return sessionIdCookieValue(sid, app.config.SESSION_USE_SIGNER ? this.getSessionIdSigner(app) : null);
  }

  /** Every SESSION_CLEANUP_N_REQUESTS requests, sweep stores without native expiry, in the background. */
  private countRequestForCleanup(app: App): void {
    const every = app.config.SESSION_CLEANUP_N_REQUESTS;
    const cleanup = this.store.cleanup;
    if (!every || !cleanup) return;
    if (++this.requestsSinceCleanup < every) return;
    this.requestsSinceCleanup = 0;
    cleanup.call(this.store).catch((err: unknown) => {
      app.logger.error(`[session] cleanup of the '${this.store.name}' store failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
}

/** The data as a plain object with own properties only (a `__proto__` key stays a key). */
function plain(data: ReadonlyMap<string, unknown>): SessionData {
  return Object.fromEntries(data);
}

/**
 * What this request changed, per top-level key. A session flagged `modified`
 * by hand with no tracked change (Flask's `session.modified = True`) writes
 * every key.
 */
function changesOf(session: ServerSideSession): SessionChanges {
  const data = session.toMap();
  const changed = session.changedKeys();
  const deleted = session.deletedKeys();
  if (changed.size === 0 && deleted.size === 0) return { set: plain(data), delete: [] };
  const set = plain(new Map([...changed].filter((k) => data.has(k)).map((k) => [k, data.get(k)])));
  return { set, delete: [...deleted] };
}
