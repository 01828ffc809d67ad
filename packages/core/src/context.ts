import { AsyncLocalStorage } from 'node:async_hooks';
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
 * Two mechanisms, because on Node 20 AsyncLocalStorage is expensive: while any
 * store is in use, node runs an async-hooks callback for every async resource
 * and promise in the process (about 15 % of a hello-world server's throughput,
 * see docs/benchmarks.md), whether or not the code needs the context.
 *
 * - `active`: the context of the code micro is running right now. micro sets
 *   it around every call into user code, so synchronous views and hooks (and
 *   the synchronous part of any) see their request for free.
 * - `storage` (AsyncLocalStorage): needed only by code that continues after
 *   an `await` or in a promise callback. micro calls a user function inside
 *   `storage.run()` until the function has once returned a non-promise; async
 *   functions always return promises, so they always get it. While no request
 *   holds the storage, it is disabled and costs nothing.
 */
const storage = new AsyncLocalStorage<AppContext>();
let active: AppContext | undefined;
/** Functions that returned a non-promise: called without the storage from then on. */
const provenSync = new WeakSet<object>();
/** Requests and app contexts using the storage; it is disabled when none is left. */
let storageHolders = 0;
const HOLDS = Symbol('micro.storageHold');
type Holder = AppContext & { [HOLDS]?: boolean };

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

/**
 * Call user code (a view, hook or error handler) in `ctx`: inside the
 * AsyncLocalStorage when it may continue asynchronously, else with `active` only.
 */
export function callUser<A, B, R>(ctx: AppContext, fn: (a: A, b: B) => R, a: A, b: B): R {
  const prev = active;
  active = ctx;
  try {
    if (!provenSync.has(fn)) {
      holdStorage(ctx);
      const rv = storage.run(ctx, fn, a, b);
      if (!isPromiseLike(rv)) provenSync.add(fn);
      return rv;
    }
    const rv = fn(a, b);
    // A function that returned plain values before now returned a promise: its
    // callbacks ran without the storage; give it the storage from the next call on.
    if (isPromiseLike(rv)) provenSync.delete(fn);
    return rv;
  } finally {
    active = prev;
  }
}

/** Run `fn` inside the AsyncLocalStorage with `ctx`, holding it until `release(ctx)`. */
export function runInStorage<R>(ctx: AppContext, fn: () => R): R {
  const prev = active;
  active = ctx;
  try {
    holdStorage(ctx);
    return storage.run(ctx, fn);
  } finally {
    active = prev;
  }
}

function holdStorage(ctx: Holder): void {
  if (ctx[HOLDS]) return;
  ctx[HOLDS] = true;
  storageHolders++;
  holdsTotal++;
}

/** The request (or app context) is over: let the storage switch off when nothing else uses it. */
export function releaseStorage(ctx: Holder): void {
  if (!ctx[HOLDS]) return;
  ctx[HOLDS] = false;
  if (--storageHolders === 0 && idleTimer === undefined) scheduleIdleCheck();
}

// Switching the storage on and off costs node a few async-hooks calls each time.
// Under steady async traffic the number of holders touches zero between requests
// all the time, so the storage is switched off only after a quiet second.
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
  if (storageHolders > 0) return; // the next release schedules another check
  if (holdsTotal === holdsAtLastCheck) storage.disable();
  else scheduleIdleCheck();
}

const OUTSIDE_REQUEST =
  'Working outside of request context. This typically means that you attempted to use functionality ' +
  'that needed an active HTTP request (request, session, g). Pass the context argument your handler ' +
  'receives, or see docs/testing.md for how to test such code. (A view that is not `async` and returns a ' +
  'promise only sometimes can lose the context in its callbacks: declare it `async`.)';

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

/** @internal For tests and diagnostics: how many requests or app contexts hold the AsyncLocalStorage. */
export function storageHolderCount(): number {
  return storageHolders;
}
