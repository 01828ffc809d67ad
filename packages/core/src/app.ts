import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AppTestClient, TEST_REQUEST_HEADER, type AppTestClientOptions } from './app-test-client.js';
import { joinUrlPrefix, type Blueprint } from './blueprint.js';
import { Config, type ConfigValues } from './config.js';
import { AppContext, RequestContext, callUser, currentContext, enterContext, exitContext, releaseContext, runHeld, runInStorage } from './context.js';
import { errorResponse } from './error-response.js';
import { BadRequest, HTTPException, InternalServerError, RequestRedirect } from './errors.js';
import { makeResponse } from './make-response.js';
import { isPromiseLike, type MaybePromise } from './maybe-promise.js';
import type { ProxyFixSettings } from './proxy-fix.js';
import { Request } from './request.js';
import { Response } from './response.js';
import type { Handler, RouteOptions } from './route-types.js';
import { Router } from './routing/router.js';
import type { ConverterFactory } from './routing/converters.js';
import type { Rule } from './routing/router.js';
import { Scaffold } from './scaffold.js';
import { sendResponse } from './send-response.js';
import { listen, type ListenOptions, type MicroServer } from './serve.js';
import type { SessionInterface, SessionLike } from './session-interface.js';
import { buildUrl, type UrlForOptions } from './url-for.js';

/** Where the app writes errors and warnings; `console` by default. */
export interface Logger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  /** Optional: diagnostics nobody needs in production (e.g. why a session cookie was ignored). */
  debug?(...args: unknown[]): void;
}

export interface AppOptions {
  /** Used in log lines and the CLI. Default 'micro'. */
  name?: string;
  /** Initial config values (validated at start-up). */
  config?: Partial<ConfigValues>;
}

const RULE = Symbol('micro.rule');
const ERROR = Symbol('micro.error');
const SAVED = Symbol('micro.sessionSaveAttempted');
const BP = Symbol('micro.blueprint');
const BP_ENDPOINT = Symbol('micro.blueprintEndpoint');
const NO_BLUEPRINTS: readonly Blueprint[] = [];

/** The request context plus what the app tracks per request, under symbols (one object per request). */
class StatefulContext extends RequestContext {
  [RULE]: Rule | null = null;
  /** The unhandled error of this request, passed to teardown hooks. */
  [ERROR]: unknown = null;
  /** Saving is attempted at most once: a failed save is never retried with an error page's state. */
  [SAVED] = false;
  /** The blueprints of the endpoint named in [BP_ENDPOINT], innermost first, cached by blueprintsOf. */
  [BP]: readonly Blueprint[] = NO_BLUEPRINTS;
  [BP_ENDPOINT]: string | null = null;
}

/**
 * The application (Flask's `Flask` object): routes, hooks, error handlers,
 * config and the session slot, served by node:http.
 */
export class App extends Scaffold {
  readonly name: string;
  readonly config: Config;
  readonly router = new Router();
  /** The handler of each endpoint. */
  readonly viewFunctions = new Map<string, Handler<never>>();
  readonly blueprints = new Map<string, Blueprint>();
  /** How sessions are loaded and saved; `@micro/session` installs one. Null: sessions disabled. */
  sessionInterface: SessionInterface | null = null;
  /** The reverse proxies whose `X-Forwarded-*` headers are trusted; set with `proxyFix(app, …)`. Null: none. */
  proxyFix: ProxyFixSettings | null = null;
  logger: Logger = console;

  private cachedHandler: RequestListener | undefined;
  /** @internal Unhandled errors waiting for the test client that caused them, by request id. */
  readonly propagatedErrors = new Map<string, unknown>();

  constructor(options: AppOptions = {}) {
    super();
    this.name = options.name ?? 'micro';
    this.config = new Config();
    if (options.config) this.config.fromObject(options.config);
  }

  /** The key that signs sessions (config SECRET_KEY). */
  get secretKey(): string | Buffer | null {
    return this.config.SECRET_KEY;
  }
  set secretKey(value: string | Buffer | null) {
    this.config.SECRET_KEY = value;
  }

  /** Debug mode (config DEBUG): error pages show the stack. */
  get debug(): boolean {
    return this.config.DEBUG;
  }
  set debug(value: boolean) {
    this.config.DEBUG = value;
  }

  /** Register a URL converter usable as `<name:arg>` in rules. */
  addConverter(name: string, converter: ConverterFactory): void {
    this.router.converters.set(name, converter);
  }

  override addUrlRule(rule: string, handler: Handler<never>, options: RouteOptions = {}): void {
    this.addRule(rule, handler, options, options.endpoint ?? endpointFromHandler(handler, rule));
  }

  /** Used by Blueprint: add one of its rules under its prefix and (dotted, when nested) name. */
  addBlueprintRule(bp: Blueprint, rule: string, handler: Handler<never>, options: RouteOptions, urlPrefix: string, name = bp.name): void {
    const full = joinUrlPrefix(urlPrefix, rule);
    const endpoint = `${name}.${options.endpoint ?? endpointFromHandler(handler, rule)}`;
    this.addRule(full, handler, options, endpoint);
  }

  /**
   * Add a blueprint's routes, hooks and error handlers to the app, with the
   * blueprints nested in it (as `parent.child`, under the parent's prefix).
   */
  registerBlueprint(bp: Blueprint, options: { urlPrefix?: string } = {}): void {
    this.mountBlueprint(bp, bp.name, options.urlPrefix ?? bp.urlPrefix, []);
  }

  private mountBlueprint(bp: Blueprint, name: string, prefix: string, parents: readonly Blueprint[]): void {
    if (parents.includes(bp)) throw new Error(`The blueprint '${bp.name}' is nested in itself (${name}).`);
    const existing = this.blueprints.get(name);
    if (existing && existing !== bp) {
      throw new Error(`A different blueprint is already registered under the name '${name}'.`);
    }
    if (existing) throw new Error(`The blueprint '${name}' is already registered.`);
    this.blueprints.set(name, bp);
    bp.registeredOn(this, name, prefix);
    for (const { rule, handler, options: ruleOptions } of bp.deferred) {
      this.addBlueprintRule(bp, rule, handler, ruleOptions, prefix, name);
    }
    for (const child of bp.children) {
      const childPrefix = joinUrlPrefix(prefix, child.urlPrefix ?? child.blueprint.urlPrefix);
      this.mountBlueprint(child.blueprint, `${name}.${child.blueprint.name}`, childPrefix, [...parents, bp]);
    }
  }

  /**
   * Build a URL for an endpoint (Flask's `url_for`). `.name` means the current
   * blueprint's endpoint. Values the rule does not use go to the query string.
   */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
    return buildUrl(this, currentContext(), endpoint, values, options);
  }

  /** Run `fn` with `currentApp` and `g` set, outside of any request (Flask's `app_context`). */
  appContext<T>(fn: () => T): T {
    return runHeld(new AppContext(this), fn, true);
  }

  /** A node:http request listener; mount it in any node server. */
  get handler(): RequestListener {
    if (!this.cachedHandler) {
      this.config.validate();
      this.cachedHandler = (req, res) => this.handleRequest(req, res);
    }
    return this.cachedHandler;
  }

  /** Serve the app: `await app.listen(5000)`; the result closes gracefully. */
  listen(port = 5000, host = '127.0.0.1', options: ListenOptions = {}): Promise<MicroServer> {
    return listen(this, port, host, options);
  }

  /** A client that drives the app over real HTTP, with a cookie jar (Flask's `test_client`). */
  testClient(options: AppTestClientOptions = {}): AppTestClient {
    return new AppTestClient(this, options);
  }

  /** Turn a handler's return value into a Response (Flask's `make_response`). */
  makeResponse(rv: unknown): Response {
    return makeResponse(rv);
  }

  // ---------------------------------------------------------------------------
  // The request pipeline. Each step may be synchronous; promises appear only
  // when a hook, the view or the session interface returns one.

  private handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const request = new Request(req, this.config, this.proxyFix);
    const ctx = new StatefulContext(this, request, res);
    const prev = enterContext(ctx);
    try {
      this.runRequest(ctx);
    } finally {
      exitContext(prev);
    }
  }

  /** Runs the request (its context is current); never throws. */
  private runRequest(ctx: StatefulContext): void {
    let rv: unknown;
    try {
      rv = this.preprocessAndDispatch(ctx);
    } catch (err) {
      this.respond(ctx, err, true);
      return;
    }
    if (isPromiseLike(rv)) {
      // One promise between an async view and the response (each runs the context's promise hooks).
      Promise.resolve(rv).then(
        (value) => this.respond(ctx, value, false),
        (err: unknown) => this.respond(ctx, err, true),
      );
    } else {
      this.respond(ctx, rv, false);
    }
  }

  /** Turn the view's value (or its error, when `failed`) into the response and send it. */
  private respond(ctx: StatefulContext, value: unknown, failed: boolean): void {
    let result: MaybePromise<Response>;
    try {
      result = failed ? this.handleUserException(ctx, value) : this.finalizeRequest(ctx, value, false);
    } catch (err) {
      result = this.lastResort(ctx, err);
    }
    if (isPromiseLike<Response>(result)) {
      result.then(
        (response) => this.finish(ctx, response),
        (err: unknown) => this.finish(ctx, this.lastResort(ctx, err)),
      );
    } else {
      this.finish(ctx, result);
    }
  }

  private preprocessAndDispatch(ctx: StatefulContext): unknown {
    const request = ctx.request;
    const trusted = this.config.TRUSTED_HOSTS;
    if (request.pathError) {
      ctx.routingError = request.pathError;
    } else if (trusted && !isTrustedHost(request.host, trusted)) {
      ctx.routingError = new BadRequest(`Host ${JSON.stringify(request.host)} is not in TRUSTED_HOSTS.`);
    } else {
      try {
        const match = this.router.match(request.method, request.path);
        ctx[RULE] = match.rule;
        ctx.params = request.viewArgs = match.params;
        ctx.endpoint = request.endpoint = match.rule.endpoint;
      } catch (err) {
        ctx.routingError = err;
      }
    }

    const si = this.sessionInterface;
    if (si?.saveUnopened) {
      ctx.sessionPending = true; // opened on first use (RequestContext.session)
    } else if (si) {
      let opened: MaybePromise<SessionLike | null>;
      try {
        opened = si.openSession(this, request);
      } catch (err) {
        ctx.sessionValue = si.makeNullSession(this);
        throw err;
      }
      if (isPromiseLike<SessionLike | null>(opened)) {
        return Promise.resolve(opened).then(
          (s) => {
            ctx.sessionValue = s ?? si.makeNullSession(this);
            return this.beforeAndDispatch(ctx);
          },
          (err: unknown) => {
            // The store failed: keep a null session so nothing is saved over the stored one.
            ctx.sessionValue = si.makeNullSession(this);
            throw err;
          },
        );
      }
      ctx.sessionValue = opened ?? si.makeNullSession(this);
    }
    return this.beforeAndDispatch(ctx);
  }

  private beforeAndDispatch(ctx: StatefulContext): unknown {
    const bps = this.blueprintsOf(ctx);
    let hooks = this.beforeRequestFuncs;
    // App first, then the outermost blueprint down to the request's own (Flask's order).
    for (let i = bps.length - 1; i >= 0; i--) if (bps[i]!.beforeRequestFuncs.length) hooks = [...hooks, ...bps[i]!.beforeRequestFuncs];
    const rv = hooks.length ? runBeforeHooks(ctx, hooks, 0) : undefined;
    if (isPromiseLike(rv)) {
      return Promise.resolve(rv).then((value) => (value ?? this.dispatchRequest(ctx)));
    }
    return rv ?? this.dispatchRequest(ctx);
  }

  private dispatchRequest(ctx: StatefulContext): unknown {
    if (ctx.routingError) throw ctx.routingError;
    const rule = ctx[RULE]!;
    if (ctx.request.method === 'OPTIONS' && rule.provideAutomaticOptions) {
      const response = new Response('', { status: 200 });
      response.headers.set('Allow', this.router.allowedMethods(ctx.request.path).join(', '));
      return response;
    }
    const view = this.viewFunctions.get(rule.endpoint) as Handler<Record<string, unknown>>;
    return callUser(ctx, view, ctx.params, ctx);
  }

  /** Make the response, run after-request hooks, save the session. */
  private finalizeRequest(ctx: StatefulContext, rv: unknown, fromErrorHandler: boolean): MaybePromise<Response> {
    let response: Response;
    try {
      response = makeResponse(rv, ctx.endpoint ?? undefined);
    } catch (err) {
      return fromErrorHandler ? this.lastResort(ctx, err) : this.handleException(ctx, err);
    }
    let processed: MaybePromise<Response>;
    try {
      processed = this.processResponse(ctx, response);
    } catch (err) {
      return this.afterFinalizeError(ctx, err, response, fromErrorHandler);
    }
    if (isPromiseLike<Response>(processed)) {
      return processed.then(undefined, (err: unknown) => this.afterFinalizeError(ctx, err, response, fromErrorHandler));
    }
    return processed;
  }

  private afterFinalizeError(ctx: StatefulContext, err: unknown, response: Response, fromErrorHandler: boolean): MaybePromise<Response> {
    if (fromErrorHandler) {
      this.logger.error('Request finalizing failed with an error while handling an error', err);
      return response;
    }
    return this.handleException(ctx, err);
  }

  private processResponse(ctx: StatefulContext, response: Response): MaybePromise<Response> {
    const bps = this.blueprintsOf(ctx);
    const once = ctx.afterThisRequestFuncs;
    if (once === null && !this.afterRequestFuncs.length && !bps.some((bp) => bp.afterRequestFuncs.length)) {
      return this.saveSession(ctx, response);
    }
    const hooks: Array<(r: Response, c: RequestContext) => unknown> = once === null ? [] : [...once];
    // The request's own blueprint first, out to the app, each in reverse (Flask's order).
    for (const bp of bps) for (let i = bp.afterRequestFuncs.length - 1; i >= 0; i--) hooks.push(bp.afterRequestFuncs[i]!);
    for (let i = this.afterRequestFuncs.length - 1; i >= 0; i--) hooks.push(this.afterRequestFuncs[i]!);
    const rv = hooks.length ? runAfterHooks(ctx, hooks, 0, response) : response;
    return isPromiseLike<Response>(rv) ? rv.then((r) => this.saveSession(ctx, r)) : this.saveSession(ctx, rv);
  }

  private saveSession(ctx: StatefulContext, response: Response): MaybePromise<Response> {
    // Saving may run after an awaited view: make the request current for the interface's synchronous part.
    const prev = enterContext(ctx);
    try {
      return this.saveSessionNow(ctx, response);
    } finally {
      exitContext(prev);
    }
  }

  private saveSessionNow(ctx: StatefulContext, response: Response): MaybePromise<Response> {
    const si = this.sessionInterface;
    const session = ctx.sessionValue;
    if (!si || ctx[SAVED]) return response;
    if (!session) {
      if (ctx.sessionPending && si.saveUnopened) {
        ctx[SAVED] = true;
        si.saveUnopened(this, ctx.request, response);
      }
      return response;
    }
    if (si.isNullSession(session)) return response;
    ctx[SAVED] = true;
    const saved = si.saveSession(this, session, response);
    return isPromiseLike(saved) ? Promise.resolve(saved).then(() => response) : response;
  }

  /** Flask's handle_user_exception: an error handler, or the HTTP error's own page. */
  private handleUserException(ctx: StatefulContext, err: unknown): MaybePromise<Response> {
    let rv: unknown;
    try {
      const handler = err instanceof RequestRedirect ? undefined : this.findErrorHandler(ctx, err);
      if (handler) rv = callUser(ctx, handler, err, ctx);
      else if (err instanceof HTTPException) rv = this.httpErrorResponse(ctx, err);
      else return this.handleException(ctx, err);
    } catch (handlerError) {
      return this.handleException(ctx, handlerError);
    }
    if (isPromiseLike(rv)) {
      return Promise.resolve(rv).then(
        (value) => this.finalizeRequest(ctx, value, false),
        (handlerError: unknown) => this.handleException(ctx, handlerError),
      );
    }
    return this.finalizeRequest(ctx, rv, false);
  }

  /**
   * Flask's handle_exception: log an unexpected error and answer 500 — or the
   * status of an HTTP error raised while finishing (e.g. 503 from a session store).
   */
  private handleException(ctx: StatefulContext, err: unknown): MaybePromise<Response> {
    let httpError: HTTPException;
    if (err instanceof HTTPException) {
      httpError = err;
    } else {
      ctx[ERROR] = err;
      this.logger.error(`Exception on ${ctx.request.path} [${ctx.request.method}]`, err);
      this.propagate(ctx, err);
      httpError = new InternalServerError(undefined, { cause: err });
    }
    let rv: unknown;
    try {
      const handler = this.findErrorHandler(ctx, httpError);
      rv = handler ? callUser(ctx, handler, httpError, ctx) : this.httpErrorResponse(ctx, httpError);
    } catch (handlerError) {
      this.logger.error('The error handler failed', handlerError);
      return this.lastResort(ctx, handlerError);
    }
    if (isPromiseLike(rv)) {
      return Promise.resolve(rv).then(
        (value) => this.finalizeRequest(ctx, value, true),
        (handlerError: unknown) => {
          this.logger.error('The error handler failed', handlerError);
          return this.lastResort(ctx, handlerError);
        },
      );
    }
    return this.finalizeRequest(ctx, rv, true);
  }

  /**
   * With PROPAGATE_EXCEPTIONS (default: when TESTING or DEBUG), hand the error to
   * the test client that sent the request, so the test sees the real error, as
   * Flask's test client raises it.
   */
  private propagate(ctx: RequestContext, err: unknown): void {
    const id = ctx.request.raw.headers[TEST_REQUEST_HEADER];
    if (typeof id !== 'string') return;
    const c = this.config;
    if (c.PROPAGATE_EXCEPTIONS ?? (c.TESTING || c.DEBUG)) this.propagatedErrors.set(id, err);
  }

  private httpErrorResponse(ctx: StatefulContext, err: HTTPException): Response {
    if (err instanceof RequestRedirect) {
      const request = ctx.request;
      const location = `${request.scheme}://${request.host}${request.rootPath}${err.location}${request.queryString ? '?' + request.queryString : ''}`;
      return errorResponse(new RequestRedirect(location, err.status), false);
    }
    return errorResponse(err, this.config.DEBUG);
  }

  /**
   * Flask's search: a handler for the error's status code in the request's
   * blueprint, its parents, then the app; only then one for its class, in the
   * same order.
   */
  private findErrorHandler(ctx: StatefulContext, err: unknown): ((e: unknown, c: RequestContext) => unknown) | undefined {
    const bps = this.blueprintsOf(ctx);
    for (const bp of bps) {
      const handler = bp.errorHandlers.findByCode(err);
      if (handler) return handler;
    }
    const handler = this.errorHandlers.findByCode(err);
    if (handler) return handler;
    for (const bp of bps) {
      const byClass = bp.errorHandlers.findByClass(err);
      if (byClass) return byClass;
    }
    return this.errorHandlers.findByClass(err);
  }

  /** The request's blueprint and the ones it is nested in, innermost first (Flask's `request.blueprints`). */
  private blueprintsOf(ctx: StatefulContext): readonly Blueprint[] {
    // Looked up several times per request; the endpoint is fixed once routing ran.
    if (ctx[BP_ENDPOINT] !== ctx.request.endpoint) {
      // An app route given a dotted endpoint names no registered blueprint: it has none.
      ctx[BP] = ctx.request.blueprint === null ? NO_BLUEPRINTS : ctx.request.blueprints.flatMap((name) => this.blueprints.get(name) ?? []);
      ctx[BP_ENDPOINT] = ctx.request.endpoint;
    }
    return ctx[BP];
  }

  /** When even error handling failed: a bare 500 that reveals nothing. */
  private lastResort(ctx: StatefulContext, err: unknown): Response {
    ctx[ERROR] ??= err;
    this.logger.error(`Exception on ${ctx.request.path} [${ctx.request.method}]`, err);
    return errorResponse(new InternalServerError(), false);
  }

  private finish(ctx: StatefulContext, response: Response): void {
    let sent: MaybePromise<void>;
    try {
      const isHead = ctx.request.method === 'HEAD';
      // A streamed body is produced while it is sent (e.g. a generator reading `request`): give it the context.
      sent = response.isStreamed && !isHead
        ? runInStorage(ctx, () => sendResponse(ctx.raw!, response, false))
        : sendResponse(ctx.raw!, response, isHead);
    } catch (err) {
      this.logger.error('Sending the response failed', err);
      ctx.raw!.destroy();
      sent = undefined;
    }
    if (isPromiseLike(sent)) {
      Promise.resolve(sent).then(
        () => this.teardown(ctx),
        (err: unknown) => {
          this.logger.error('Streaming the response failed', err);
          this.teardown(ctx);
        },
      );
    } else {
      this.teardown(ctx);
    }
  }

  private teardown(ctx: StatefulContext): void {
    if (ctx.request.hasUploads) {
      ctx.request.cleanup().catch((err: unknown) => this.logger.error('Removing upload temp files failed', err));
    }
    const bps = this.blueprintsOf(ctx);
    if (!this.teardownRequestFuncs.length && !bps.some((bp) => bp.teardownRequestFuncs.length)) {
      releaseContext(ctx);
      return;
    }
    const error = ctx[ERROR];
    const hooks: TeardownFn[] = [];
    for (const bp of bps) for (let i = bp.teardownRequestFuncs.length - 1; i >= 0; i--) hooks.push(bp.teardownRequestFuncs[i]!);
    for (let i = this.teardownRequestFuncs.length - 1; i >= 0; i--) hooks.push(this.teardownRequestFuncs[i]!);
    const pending: Promise<unknown>[] = [];
    for (const hook of hooks) {
      try {
        const rv = callUser(ctx, hook, error, ctx);
        if (isPromiseLike(rv)) pending.push(Promise.resolve(rv).catch((err: unknown) => this.logger.error('A teardown hook failed', err)));
      } catch (err) {
        this.logger.error('A teardown hook failed', err);
      }
    }
    if (pending.length) void Promise.all(pending).then(() => releaseContext(ctx));
    else releaseContext(ctx);
  }

  private addRule(rule: string, handler: Handler<never>, options: RouteOptions, endpoint: string): void {
    if (typeof handler !== 'function') throw new TypeError(`The handler for rule '${rule}' must be a function`);
    const existing = this.viewFunctions.get(endpoint);
    if (existing && existing !== handler) {
      throw new Error(
        `View function mapping is overwriting an existing endpoint function: ${endpoint}. ` +
          'Give one of the handlers another name or pass { endpoint }.',
      );
    }
    const methods = (options.methods ?? ['GET']).map((m) => m.toUpperCase());
    this.router.add(rule, {
      endpoint,
      methods,
      strictSlashes: options.strictSlashes,
      defaults: options.defaults,
      provideAutomaticOptions: options.provideAutomaticOptions ?? !methods.includes('OPTIONS'),
    });
    this.viewFunctions.set(endpoint, handler);
  }
}

/** Flask's host check: exact names, or `.example.com` for the domain and its subdomains. */
function isTrustedHost(hostHeader: string, trusted: readonly string[]): boolean {
  const host = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return trusted.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith('.') ? host === p.slice(1) || host.endsWith(p) : host === p;
  });
}

type TeardownFn = (error: unknown, ctx: RequestContext) => unknown;

function endpointFromHandler(handler: Handler<never>, rule: string): string {
  // Anonymous arrow functions have no name: fall back to the rule, so they still route.
  return handler.name && handler.name !== 'anonymous' ? handler.name.replace(/^bound /, '') : rule;
}

function runBeforeHooks(ctx: RequestContext, hooks: readonly ((c: RequestContext) => unknown)[], start: number): unknown {
  for (let i = start; i < hooks.length; i++) {
    const rv = callUser(ctx, hooks[i]!, ctx, undefined);
    if (isPromiseLike(rv)) {
      const next = i + 1;
      return Promise.resolve(rv).then((value) => value ?? runBeforeHooks(ctx, hooks, next));
    }
    if (rv !== undefined && rv !== null) return rv;
  }
  return undefined;
}

function runAfterHooks(
  ctx: RequestContext,
  hooks: readonly ((r: Response, c: RequestContext) => unknown)[],
  start: number,
  response: Response,
): MaybePromise<Response> {
  for (let i = start; i < hooks.length; i++) {
    const rv = callUser(ctx, hooks[i]!, response, ctx);
    if (isPromiseLike(rv)) {
      const next = i + 1;
      return Promise.resolve(rv).then((value) =>
        runAfterHooks(ctx, hooks, next, value instanceof Response ? value : response),
      );
    }
    if (rv instanceof Response) response = rv;
  }
  return response;
}
