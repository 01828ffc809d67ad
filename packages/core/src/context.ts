import { AsyncLocalStorage } from 'node:async_hooks';
import { promiseHooks } from 'node:v8';
import type { App } from './app.js';
import type { Request } from './request.js';
import type { ServerResponse } from 'node:http';
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
    readonly raw: ServerResponse | null,
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
 * How `request`, `session` and `g` find the running request.
 *
 * On Node 20 AsyncLocalStorage is expensive: while any store is in use, node
 * runs async-hooks callbacks for every async resource and promise in the
 * process (about 15 % of a hello-world server's throughput, 9 % of a server
 * whose handler awaits its body; see docs/benchmarks.md). micro follows the
 * request through promises only, which costs a third of that:
 *
 * - `active` is the context of the code running now. micro sets it around
 *   every call into user code, so synchronous code sees its request for free.
 * - V8 promise hooks stamp each promise created while a context is active with
 *   that context, and make it active again while the promise's callbacks (and
 *   the code after an `await`) run. So a context follows `await`, `.then` and
 *   everything built on promises, as in Python's contextvars; it does not
 *   follow raw timer and event callbacks (wrap those with
 *   `copyCurrentRequestContext`, as in Flask).
 * - `storage` (AsyncLocalStorage) is kept for `app.appContext()`, the test
 *   client's session transactions and streamed bodies, which node's stream
 *   machinery resumes from raw callbacks.
 *
 * Both are switched on while a request or app context holds them and off
 * after a quiet second, so an idle process pays nothing.
 */
const storage = new AsyncLocalStorage<AppContext>();
let active: AppContext | undefined;

/** The context of the running code, or undefined outside of any. */
export function currentContext(): AppContext | undefined {
  return active ?? storage.getStore();
}

/** Make `ctx` current until `exitContext(<the returned value>)`; for code that cannot pass a callback cheaply. */
export function enterContext(ctx: AppContext): AppContext | undefined {
  const prev = active;
  active = ctx;
  return prev;
}

export function exitContext(prev: AppContext | undefined): void {
  active = prev;
}

/** Call user code (a view, hook or error handler) in `ctx`; its promises carry `ctx` on. */
export function callUser<A, B, R>(ctx: AppContext, fn: (a: A, b: B) => R, a: A, b: B): R {
  const prev = active;
  active = ctx;
  try {
    hold(ctx);
    return fn(a, b);
  } finally {
    active = prev;
  }
}

/** Run `fn` inside the AsyncLocalStorage with `ctx`, holding it until `releaseContext(ctx)`. */
export function runInStorage<R>(ctx: AppContext, fn: () => R): R {
  const prev = active;
  active = ctx;
  try {
    hold(ctx);
    return storage.run(ctx, fn);
  } finally {
    active = prev;
  }
}

/**
 * Run `fn` in `ctx`, held until it returns, throws or its promise settles.
 * With `withStorage`, also inside the AsyncLocalStorage, so that raw callbacks
 * started by `fn` see `ctx` as well.
 */
export function runHeld<R>(ctx: AppContext, fn: () => R, withStorage: boolean): R {
  const holder = {};
  const prev = active;
  active = ctx;
  let rv: R;
  try {
    hold(holder);
    rv = withStorage ? storage.run(ctx, fn) : fn();
  } catch (err) {
    releaseContext(holder);
    throw err;
  } finally {
    active = prev;
  }
  if (isPromiseLike(rv)) {
    const release = () => releaseContext(holder);
    Promise.resolve(rv).then(release, release);
  } else {
    releaseContext(holder);
  }
  return rv;
}

/**
 * Wrap `fn` so that it runs in the current request's context wherever it is
 * called from: a timer, an event listener, a callback-style API (Flask's
 * `copy_current_request_context`). Promises and `await` need no wrapping.
 */
export function copyCurrentRequestContext<F extends (...args: never[]) => unknown>(fn: F): F {
  const ctx = currentRequestContext();
  return function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    return runHeld(ctx, () => fn.apply(this, args) as ReturnType<F>, false);
  } as F;
}

// --- promise hooks ----------------------------------------------------------

const STAMP = Symbol('micro.context');
type Stamped = Promise<unknown> & { [STAMP]?: AppContext };
/** `active` as it was before each promise callback now running (they do not nest, but be safe). */
const saved: (AppContext | undefined)[] = [];
let stopHooks: (() => void) | undefined;

function onInit(promise: Stamped): void {
  if (active !== undefined) promise[STAMP] = active;
}

function onBefore(promise: Stamped): void {
  saved.push(active);
  active = promise[STAMP];
}

function onAfter(): void {
  active = saved.pop();
}

// --- holders ----------------------------------------------------------------

/** Requests, app contexts and copied callbacks in flight; the hooks and storage are switched off when none is left. */
let holders = 0;
const HOLDS = Symbol('micro.holds');
type Holder = { [HOLDS]?: boolean };

function hold(h: object): void {
  const holder = h as Holder;
  if (holder[HOLDS]) return;
  holder[HOLDS] = true;
  holders++;
  holdsTotal++;
  stopHooks ??= promiseHooks.createHook({ init: onInit, before: onBefore, after: onAfter }) as () => void;
}

/** The request (or app context) is over: let the hooks and storage switch off when nothing else uses them. */
export function releaseContext(h: object): void {
  const holder = h as Holder;
  if (!holder[HOLDS]) return;
  holder[HOLDS] = false;
  if (--holders === 0 && idleTimer === undefined) scheduleIdleCheck();
}

// Switching on and off costs node a few calls each time. Under steady async
// traffic the number of holders touches zero between requests all the time,
// so everything is switched off only after a quiet second.
const IDLE_MS = 1000;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let holdsAtLastCheck = 0;
let holdsTotal = 0;

function scheduleIdleCheck(): void {
  holdsAtLastCheck = holdsTotal;
  idleTimer = setTimeout(checkIdle, IDLE_MS);
  idleTimer.unref();
}

function checkIdle(): void {
  idleTimer = undefined;
  if (holders > 0) return; // the next release schedules another check
  if (holdsTotal !== holdsAtLastCheck) {
    scheduleIdleCheck();
    return;
  }
  storage.disable();
  stopHooks?.();
  stopHooks = undefined;
  saved.length = 0;
}

const OUTSIDE_REQUEST =
  'Working outside of request context. This typically means that you attempted to use functionality ' +
  'that needed an active HTTP request (request, session, g). The context follows awaits and promise ' +
  'callbacks, not raw timer or event callbacks: wrap those with copyCurrentRequestContext(), or pass the ' +
  'context argument your handler receives. See docs/testing.md for how to test such code.';

const OUTSIDE_APP =
  'Working outside of application context. Use it inside a request, or wrap the code in `app.appContext(() => …)`.';

/** The request context of the running request; throws outside of one. */
export function currentRequestContext(): RequestContext {
  const ctx = active ?? storage.getStore();
  if (ctx instanceof RequestContext) return ctx;
  throw new OutsideContextError(OUTSIDE_REQUEST);
}

/** The app or request context of the running code; throws outside of both. */
export function currentAppContext(): AppContext {
  const ctx = active ?? storage.getStore();
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

/** @internal For tests and diagnostics: how many requests, app contexts and copied callbacks hold the hooks and storage. */
export function contextHolderCount(): number {
  return holders;
}
