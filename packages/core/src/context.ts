import { AsyncLocalStorage } from 'node:async_hooks';
import type { App } from './app.js';
import type { Request } from './request.js';
import { isPromiseLike } from './maybe-promise.js';
import type { SessionData, SessionLike } from './session-interface.js';
import type { Response } from './response.js';

/**
 * Per-request scratch space (Flask's `g`). Augment it for typed fields:
 * `declare module '@micro/core' { interface G { user?: User } }`.
 */
export interface G {
  [key: string]: unknown;
}

export class OutsideContextError extends Error {}

/** What lives as long as a unit of work with the app: the app and `g`. */
export class AppContext {
  private gValue: G | undefined = undefined;
  constructor(readonly app: App) {}

  /** Flask's `g`: made on first use (most requests never touch it). */
  get g(): G {
    return (this.gValue ??= {});
  }
}

/** Everything about one request; handlers get it as their second argument. */
export class RequestContext extends AppContext {
  /** View arguments converted by the rule's converters. */
  params: Record<string, unknown> = {};
  /** Name of the matched endpoint, or null when routing failed. */
  endpoint: string | null = null;
  /** The exception routing raised (404, 405, redirect); raised after before-request hooks, as Flask does. */
  routingError: unknown = null;
  /** Set once `openSession` ran; null when no session interface is installed. */
  sessionValue: SessionLike | null = null;
  /** True while a lazily opened session (see `SessionInterface.saveUnopened`) waits for its first use. */
  sessionPending = false;
  /** Callbacks registered with `afterThisRequest`; null until the first. */
  afterThisRequestFuncs: Array<(response: Response) => Response | void | Promise<Response | void>> | null = null;

  constructor(
    app: App,
    readonly request: Request,
  ) {
    super(app);
  }

  /** The session of this request. Throws a how-to when no session interface is installed. */
  get session(): SessionLike<SessionData> {
    if (this.sessionValue === null) {
      if (this.sessionPending) return this.openPendingSession();
      throw new Error(
        this.app.sessionInterface
          ? 'The session is not open yet for this request.'
          : 'Sessions are not enabled. Install @micro/session and call `sessions(app)` (or set `app.sessionInterface`) before handling requests.',
      );
    }
    return this.sessionValue;
  }

  private openPendingSession(): SessionLike<SessionData> {
    this.sessionPending = false;
    const app = this.app;
    const si = app.sessionInterface!;
    const opened = si.openSession(app, this.request);
    if (isPromiseLike(opened)) {
      // Swallow the stray promise's outcome: the error below is the one to report.
      Promise.resolve(opened).catch(() => {});
      throw new TypeError(
        `${si.constructor.name}.openSession returned a promise, but the interface has saveUnopened(), which ` +
          'promises a synchronous openSession. Make openSession synchronous, or build the interface on ' +
          'SessionInterface, whose sessions are opened (and awaited) before each request.',
      );
    }
    return (this.sessionValue = opened ?? si.makeNullSession(app));
  }
}

/**
 * How `request`, `session` and `g` find the running request: one
 * AsyncLocalStorage, entered once per request (`runInContext`). It follows
 * awaits, promise callbacks, timers and event listeners registered while the
 * request runs, as Python's contextvars do for Flask. On Node 24 it rides on
 * AsyncContextFrame and costs next to nothing (docs/benchmarks.md).
 */
const storage = new AsyncLocalStorage<AppContext>();

/** The context of the running code, or undefined outside of any. */
export function currentContext(): AppContext | undefined {
  return storage.getStore();
}

/** Run `fn` with `ctx` as the current context; everything it starts, sync or async, sees `ctx`. */
export function runInContext<R>(ctx: AppContext, fn: () => R): R {
  return storage.run(ctx, fn);
}

/**
 * Wrap `fn` so that it runs in the current request's context wherever it is
 * called from (Flask's `copy_current_request_context`). Callbacks registered
 * during a request keep the context on their own; this is for functions
 * handed to code that runs them later from elsewhere (a queue, a pool).
 */
export function copyCurrentRequestContext<F extends (...args: never[]) => unknown>(fn: F): F {
  const ctx = currentRequestContext();
  return function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    return storage.run(ctx, () => fn.apply(this, args) as ReturnType<F>);
  } as F;
}

const OUTSIDE_REQUEST =
  'Working outside of request context. This typically means that you attempted to use functionality ' +
  'that needed an active HTTP request (request, session, g). Code started outside a request (at start-up, ' +
  'in a queue worker) has none: pass the context argument your handler receives, or wrap the function with ' +
  'copyCurrentRequestContext() while a request runs. See docs/testing.md for how to test such code.';

const OUTSIDE_APP =
  'Working outside of application context. Use it inside a request, or wrap the code in `app.appContext(() => …)`.';

/** The request context of the running request; throws outside of one. */
export function currentRequestContext(): RequestContext {
  const ctx = storage.getStore();
  if (ctx instanceof RequestContext) return ctx;
  throw new OutsideContextError(OUTSIDE_REQUEST);
}

/** The app or request context of the running code; throws outside of both. */
export function currentAppContext(): AppContext {
  const ctx = storage.getStore();
  if (ctx) return ctx;
  throw new OutsideContextError(OUTSIDE_APP);
}

/** True inside a request (Flask's `has_request_context`). */
export function hasRequestContext(): boolean {
  return currentContext() instanceof RequestContext;
}

/** True inside a request or `app.appContext()` (Flask's `has_app_context`). */
export function hasAppContext(): boolean {
  return currentContext() !== undefined;
}

/**
 * A stand-in object that forwards to whatever `resolve()` returns for the
 * running request, as Werkzeug's LocalProxy does for `flask.request`.
 */
function localProxy<T extends object>(resolve: () => T): T {
  return new Proxy(Object.create(null) as T, {
    get(_, prop) {
      const target = resolve();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    set(_, prop, value) {
      return Reflect.set(resolve(), prop, value);
    },
    has(_, prop) {
      return Reflect.has(resolve(), prop);
    },
    deleteProperty(_, prop) {
      return Reflect.deleteProperty(resolve(), prop);
    },
    ownKeys() {
      return Reflect.ownKeys(resolve());
    },
    getOwnPropertyDescriptor(_, prop) {
      const descriptor = Reflect.getOwnPropertyDescriptor(resolve(), prop);
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
  });
}

/** The current request. */
export const request: Request = localProxy(() => currentRequestContext().request);
/** The current request's session (needs `@micro/session` or another session interface). */
export const session: SessionLike<SessionData> = localProxy(() => currentRequestContext().session);
/** Scratch space for the current request or app context. */
export const g: G = localProxy(() => currentAppContext().g);
/** The app handling the current request or app context. */
export const currentApp: App = localProxy(() => currentAppContext().app);

/** Run `fn` with the response of the current request, after the view (Flask's `after_this_request`). */
export function afterThisRequest<F extends (response: Response) => Response | void | Promise<Response | void>>(fn: F): F {
  (currentRequestContext().afterThisRequestFuncs ??= []).push(fn);
  return fn;
}
