/**
 * What a session interface reports around opening and saving: a
 * `session.open` and a `session.save` span (with the store's kind and the
 * outcome) when an OpenTelemetry SDK is registered, and the lifecycle signals
 * (session-events.ts) when a receiver is connected. Each interface owns one
 * and routes `openSession` / `saveSession` through it; with neither an SDK
 * nor a receiver, that is one check and a direct call.
 */
import type { App, Request, Response } from '@micro/core';
import { BadPayload, SignatureExpired } from './errors.js';
import { ServerSideSession } from './server-side/server-side-session.js';
import type { Session } from './session.js';
import { emitSessionEvent, hasSessionReceivers } from './session-events.js';
import type { SessionInterface } from './session-interface.js';
import type { UnsignOptions } from './signer.js';
import { activeTelemetry, ATTR, errorOutcome, storeAttributes, type SessionOutcome, type SessionTelemetry } from './telemetry/session-telemetry.js';

/** Why a session cookie the request carried did not open its session. */
export type RejectedCookie = Extract<SessionOutcome, 'tampered' | 'expired' | 'invalid'>;

export interface SessionObserverOptions {
  /** The backend's name in spans and events: the store's name, or 'cookie' / 'encrypted-cookie'. */
  store(): string;
  /** Why `cookie` opened a new session; asked only while tracing, on that rare path. */
  rejectedCookie(app: App, cookie: string): RejectedCookie;
}

type AnyInterface = SessionInterface<Session<object>>;

export class SessionObserver {
  /** Decided once, when the interface is built: register the SDK before `sessions(app)`. */
  private readonly telemetry: SessionTelemetry | null = activeTelemetry();

  constructor(private readonly options: SessionObserverOptions) {}

  /** Run `open` (the interface's own opening) inside a `session.open` span when tracing. */
  open<I extends AnyInterface, R>(si: I, app: App, request: Request, open: (this: I, app: App, request: Request) => R): R {
    const t = this.telemetry;
    if (t === null) return open.call(si, app, request);
    const { span, context } = t.startSpan('session.open', storeAttributes(this.options.store()));
    const failed = (err: unknown): never => {
      t.endSpan(span, errorOutcome(err), err);
      throw err;
    };
    let result: R;
    try {
      result = t.api.context.with(context, open, si, app, request);
    } catch (err) {
      return failed(err);
    }
    const opened = (session: unknown) => {
      t.endSpan(span, this.openOutcome(si, app, request, session as Session<object> | null));
      return session;
    };
    if (isPromise(result)) return result.then(opened, failed) as R;
    opened(result);
    return result;
  }

  /** Run `save` (the interface's own saving) inside a `session.save` span, then send the lifecycle events it caused. */
  save<I extends AnyInterface, S extends Session<object>>(
    si: I,
    app: App,
    session: S,
    response: Response,
    save: (this: I, app: App, session: S, response: Response) => void | Promise<void>,
  ): void | Promise<void> {
    const t = this.telemetry;
    if (t === null && !hasSessionReceivers()) return save.call(si, app, session, response);
    const plan = planSave(session);
    const store = this.options.store();
    const traced = t?.startSpan('session.save', { ...storeAttributes(store), [ATTR.merged]: plan.merged });
    const failed = (err: unknown): never => {
      if (traced) t!.endSpan(traced.span, errorOutcome(err), err);
      throw err;
    };
    const saved = (): void => {
      if (traced) t!.endSpan(traced.span, 'ok');
      sendEvents(app, store, plan, session);
    };
    let result: void | Promise<void>;
    try {
      result = traced ? t!.api.context.with(traced.context, save, si, app, session, response) : save.call(si, app, session, response);
    } catch (err) {
      return failed(err);
    }
    if (isPromise(result)) return result.then(saved, failed);
    saved();
  }

  private openOutcome(si: AnyInterface, app: App, request: Request, session: Session<object> | null): SessionOutcome {
    if (session === null) return 'null';
    if (!session.isNew) return 'ok';
    try {
      const cookie = si.getSessionCookie(app, request);
      return cookie ? this.options.rejectedCookie(app, cookie) : 'new';
    } catch {
      return 'error'; // telemetry never fails a request that succeeded
    }
  }
}

/** Why a cookie session's cookie was rejected, by decoding it again (only while tracing, only for rejected cookies). */
export function cookieRejection(codec: { loads(value: string, options: UnsignOptions): unknown } | null, cookie: string, maxAge: number): RejectedCookie {
  try {
    codec?.loads(cookie, { maxAge });
    return 'invalid';
  } catch (err) {
    if (err instanceof SignatureExpired) return 'expired';
    return err instanceof BadPayload ? 'invalid' : 'tampered';
  }
}

/** What a save will do to the session's lifecycle, read before it runs (the id may change while saving). */
interface SavePlan {
  /** Changes merged into the stored record (a server-side delta write). */
  merged: boolean;
  created: boolean;
  regenerated: boolean;
  destroyed: 'destroy' | 'emptied' | null;
  /** The id before saving (server-side sessions that were stored); null otherwise. */
  sid: string | null;
}

/** Mirrors the decisions of the interfaces' `saveSession` (server-side-session-interface.ts, session-interface.ts `prepareSave`). */
function planSave(session: Session<object>): SavePlan {
  const plan: SavePlan = { merged: false, created: false, regenerated: false, destroyed: null, sid: null };
  if (session instanceof ServerSideSession) {
    const stored = !session.isNew;
    plan.sid = stored ? session.sid : null;
    const empty = session.isEmpty();
    if (session.destroyPending) {
      plan.destroyed = stored ? 'destroy' : null;
      plan.created = !empty; // written after destroy(): a new session under a new id
    } else if (empty) {
      plan.destroyed = stored && (session.modified || session.regeneratePending) ? 'emptied' : null;
    } else if (session.regeneratePending) {
      plan.created = !stored;
      plan.regenerated = stored;
    } else {
      plan.created = !stored;
      plan.merged = stored && session.modified;
    }
    return plan;
  }
  // A cookie session: its cookie is written when it changed, deleted when it was emptied.
  const empty = session.toMap().size === 0;
  plan.destroyed = empty && !session.isNew && session.modified ? 'emptied' : null;
  plan.created = !empty && session.isNew && session.modified;
  return plan;
}

function sendEvents(app: App, store: string, plan: SavePlan, session: Session<object>): void {
  if (!hasSessionReceivers()) return;
  const sid = session instanceof ServerSideSession ? session.sid : null;
  if (plan.destroyed) emitSessionEvent(app, 'sessionDestroyed', { store, sid: plan.sid, reason: plan.destroyed });
  if (plan.regenerated) emitSessionEvent(app, 'sessionRegenerated', { store, sid, previousSid: plan.sid! });
  if (plan.created) emitSessionEvent(app, 'sessionCreated', { store, sid });
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
