/**
 * Session lifecycle signals for audit logs, in the manner of Flask's signals
 * (blinker): a signal per event, receivers connected for one app or for all.
 *
 * ```ts
 * sessionCreated.connect((app, event) => audit.info('session created', event), app);
 * ```
 *
 * An event never carries the session id (a credential): `sessionIdHash` is
 * a short SHA-256 of it, enough to follow one session through the log. With
 * no receiver connected, nothing is computed.
 */
import { hasRequestContext, request, type App } from '@micro/core';
import { sessionIdHash } from './session-id-hash.js';

export type SessionEventName = 'sessionCreated' | 'sessionRegenerated' | 'sessionDestroyed' | 'sessionRevoked';

export interface SessionEvent {
  /** Which signal sent it. */
  name: SessionEventName;
  /** `sessionIdHash()` (session-id-hash.ts, the same hash the devices list shows) of the session's id (after the change); null for cookie sessions, which have no id, and for a revocation of several sessions at once. */
  sessionIdHash: string | null;
  /** sessionRegenerated: the hash of the id it had before. */
  previousIdHash?: string;
  /** The session backend: a store's name ('redis', 'sql:postgres'…) or 'cookie' / 'encrypted-cookie'. */
  store: string;
  /** When it happened. */
  time: Date;
  /** The address of the request that caused it (after ProxyFix), when there was one. */
  remoteAddr: string | null;
  /** Its User-Agent header, when there was one. */
  userAgent: string | null;
  /** sessionDestroyed: 'destroy' (`session.destroy()`, logout), 'emptied' (every key removed), or, for a stored session found unusable when opened and deleted, 'absolute-lifetime' (past SESSION_ABSOLUTE_LIFETIME) or 'valid-after' (bound before its user's SESSION_VALID_AFTER). sessionRevoked: the caller's reason. */
  reason?: string;
  /** sessionRevoked: how many sessions were revoked. */
  count?: number;
  /** sessionRevoked: whose sessions, when the caller names a user. */
  user?: string;
}

/** A receiver gets the app that sent the event and the event; a promise it returns is not awaited (a rejection is logged). */
export type SessionEventReceiver = (app: App, event: SessionEvent) => unknown;

/** Connected receivers across every signal: zero means emitting costs one comparison. */
let connected = 0;

/** One lifecycle signal (Flask's `blinker` signals): `connect` receivers, `send` events. */
export class SessionSignal {
  private readonly receivers: Array<{ receiver: SessionEventReceiver; sender: App | undefined }> = [];

  constructor(readonly name: SessionEventName) {}

  /** Call `receiver` for this signal, from `sender` only when given, else from every app. Returns the receiver. */
  connect<R extends SessionEventReceiver>(receiver: R, sender?: App): R {
    if (typeof receiver !== 'function') throw new TypeError(`${this.name}.connect() takes a function`);
    if (!this.receivers.some((r) => r.receiver === receiver && r.sender === sender)) {
      this.receivers.push({ receiver, sender });
      connected++;
    }
    return receiver;
  }

  /** Stop calling `receiver` (for `sender` when given, else every connection of it). */
  disconnect(receiver: SessionEventReceiver, sender?: App): void {
    for (let i = this.receivers.length - 1; i >= 0; i--) {
      const r = this.receivers[i]!;
      if (r.receiver === receiver && (sender === undefined || r.sender === sender)) {
        this.receivers.splice(i, 1);
        connected--;
      }
    }
  }

  /** True when a receiver would get an event from `app`. */
  hasReceiversFor(app: App): boolean {
    return connected > 0 && this.receivers.some((r) => r.sender === undefined || r.sender === app);
  }

  /**
   * Call the receivers for `app`. A receiver that throws is logged through
   * `app.logger` and the rest still run: an audit log must not fail the request.
   */
  send(app: App, event: SessionEvent): void {
    for (const { receiver, sender } of [...this.receivers]) {
      if (sender !== undefined && sender !== app) continue;
      try {
        const rv = receiver(app, event);
        if (rv instanceof Promise) rv.catch((err: unknown) => logFailure(app, this.name, err));
      } catch (err) {
        logFailure(app, this.name, err);
      }
    }
  }
}

/** A new session was stored (server-side) or its first cookie written (cookie sessions). */
export const sessionCreated = new SessionSignal('sessionCreated');
/** A server-side session moved to a new id (`session.regenerate()`, e.g. on login). */
export const sessionRegenerated = new SessionSignal('sessionRegenerated');
/** A session was deleted: `session.destroy()` (logout), or emptied. */
export const sessionDestroyed = new SessionSignal('sessionDestroyed');
/** Sessions were revoked on purpose (e.g. every session of a user); sent by `recordRevocation`. */
export const sessionRevoked = new SessionSignal('sessionRevoked');

const SIGNALS: Readonly<Record<SessionEventName, SessionSignal>> = { sessionCreated, sessionRegenerated, sessionDestroyed, sessionRevoked };

/** True when any receiver is connected to any session signal: the one check on the request path. */
export function hasSessionReceivers(): boolean {
  return connected > 0;
}

/** What the caller knows about an event; the time and the request's address and agent are added here. */
export interface SessionEventDetail {
  store: string;
  /** The raw id: hashed here, never passed on. */
  sid?: string | null;
  /** sessionRegenerated: the id before (hashed here too). */
  previousSid?: string;
  reason?: string;
  count?: number;
  user?: string;
}

/** Send `name` for `app`, when a receiver is connected; builds the event only then. */
export function emitSessionEvent(app: App, name: SessionEventName, detail: SessionEventDetail): void {
  const signal = SIGNALS[name];
  if (!signal.hasReceiversFor(app)) return;
  const { sid, previousSid, ...rest } = detail;
  const inRequest = hasRequestContext();
  const event: SessionEvent = {
    name,
    sessionIdHash: sid ? sessionIdHash(sid) : null,
    ...rest,
    time: new Date(),
    remoteAddr: inRequest ? request.remoteAddr : null,
    userAgent: inRequest ? (request.headers.get('user-agent') ?? null) : null,
  };
  if (previousSid !== undefined) event.previousIdHash = sessionIdHash(previousSid);
  signal.send(app, event);
}

function logFailure(app: App, signal: string, err: unknown): void {
  app.logger.error(`[session] a ${signal} receiver failed:`, err);
}
