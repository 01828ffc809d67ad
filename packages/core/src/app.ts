import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { checkBlueprintName, joinUrlPrefix, type Blueprint, type BlueprintRegistrationOptions } from './blueprint.js';
import { Config, type ConfigValues } from './config.js';
import { AppContext, RequestContext, currentContext, runInContext } from './context.js';
import { errorResponse } from './error-response.js';
import { BadRequest, HTTPException, InternalServerError, RequestRedirect } from './errors.js';
import { makeResponse } from './make-response.js';
import { isPromiseLike } from './maybe-promise.js';
import { listen, type ListenOptions, type MicroServer } from './node/listen.js';
import { requestListener } from './node/request-listener.js';
import type { ProxyFixSettings } from './proxy-fix.js';
import type { Request } from './request.js';
import { Response } from './response.js';
import type { ErrorHandler, Handler, RouteOptions } from './route-types.js';
import { Router } from './routing/router.js';
import type { ConverterFactory } from './routing/converters.js';
import type { Rule } from './routing/router.js';
import { Scaffold, templateRegistrar, type TemplateFilter, type TemplateGlobal, type TemplateTest } from './scaffold.js';
import type { SessionInterface, SessionLike } from './session-interface.js';
import { STATIC_ENDPOINT, defaultStaticUrlPath, sendStaticFile, staticRule, staticView } from './static/static-folder.js';
import { AppTestClient, type AppTestClientOptions } from './testing/app-test-client.js';
import { AppCli } from './cli/app-cli.js';
import { ignoredListen, isRunFromCli } from './cli/listen-guard.js';
import { AppLogger } from './logger.js';
import { buildUrl, type UrlForOptions } from './url-for.js';

/** Where the app writes errors and warnings: an AppLogger (logger.ts) by default; `console`, pino or winston fit. */
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
  /**
   * The app's folder (Flask's `root_path`): the static folder, templates and
   * relative paths given to `config.fromFile` and `sendFile` are found from
   * here; `config.rootPath` too, unless `instanceRelativeConfig`. Flask takes the
   * folder of the app's module; pass `import.meta.dirname` for that.
   * Default: `process.cwd()`.
   */
  rootPath?: string;
  /**
   * The instance folder (Flask's `instance_path`): files that belong to one
   * deployment and stay out of version control (config, a SQLite database).
   * micro does not create it. Default: `instance` under `rootPath`.
   */
  instancePath?: string;
  /**
   * Resolve `config.fromFile` paths against `instancePath` instead of
   * `rootPath` (Flask's `instance_relative_config`). Default: false.
   */
  instanceRelativeConfig?: boolean;
  /**
   * The folder of static files, relative to `rootPath`, served at
   * `staticUrlPath` by the `static` endpoint (`urlFor('static', { filename })`).
   * `null`: no static route. Default: `'static'`.
   */
  staticFolder?: string | null;
  /** The URL path of the static route. Default: `'/'` and the folder's name (`/static`). */
  staticUrlPath?: string | null;
  /**
   * Serve static files on this host only (e.g. `static.example.com`), and
   * build their URLs with it (Flask's `static_host`). Default: `null` (any host).
   */
  staticHost?: string | null;
}

/**
 * Runs when an app context ends (Flask's `teardown_appcontext`): after each
 * request, and after `app.appContext(fn)`; gets the unhandled error or null.
 */
export type AppTeardownHook = (error: unknown, ctx: AppContext) => void | Promise<void>;

/** Writes a finished response; the transport's part of a request (see `App.handle`). */
export type SendResponse = (response: Response, request: Request) => void | Promise<void>;

export interface HandleOptions {
  /**
   * Reject with an unhandled error instead of answering 500, when the app
   * propagates exceptions (PROPAGATE_EXCEPTIONS, else TESTING or DEBUG). The
   * test client sets it; a server never does.
   */
  propagate?: boolean;
}

const RULE = Symbol('micro.rule');
const ERROR = Symbol('micro.error');
const SAVED = Symbol('micro.sessionSaveAttempted');
const BLUEPRINTS = Symbol('micro.blueprints');
const NO_BLUEPRINTS: readonly Blueprint[] = [];
const NO_HOOKS: readonly never[] = [];

/** The request context plus what the app tracks per request, under symbols (one object per request). */
class StatefulContext extends RequestContext {
  [RULE]: Rule | null = null;
  /** The unhandled error of this request, passed to teardown hooks. */
  [ERROR]: unknown = null;
  /** Saving is attempted at most once: a failed save is never retried with an error page's state. */
  [SAVED] = false;
  /** The matched endpoint's blueprint and its parents, innermost first (Flask's `request.blueprints`). */
  [BLUEPRINTS]: readonly Blueprint[] = NO_BLUEPRINTS;
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
  /** Flask's `app.logger`: named after the app, `debug` level under DEBUG, lines to stderr; assign any Logger to replace it. */
  logger: Logger = new AppLogger(this);
  /** Run when each app context ends; register with `teardownAppcontext`. */
  readonly teardownAppcontextFuncs: AppTeardownHook[] = [];
  /** Run once by `close()`, last registered first; register with `onClose`. */
  private readonly closeFuncs: Array<() => unknown> = [];
  /** The app's own commands, run as `micro <name>` (Flask's `app.cli`). */
  readonly cli = new AppCli();
  /** Template filters by name, for `@micro/templates`; register with `templateFilter`. */
  readonly templateFilters = new Map<string, TemplateFilter>();
  /** Template globals by name (functions or values); register functions with `templateGlobal`. */
  readonly templateGlobals = new Map<string, unknown>();
  /** Template tests by name; register with `templateTest`. */
  readonly templateTests = new Map<string, TemplateTest>();
  /** Register a template filter: `app.templateFilter(fn)`, `app.templateFilter('name')(fn)` (Flask's `template_filter`). */
  readonly templateFilter = templateRegistrar<TemplateFilter>('templateFilter', (name, fn) => this.templateFilters.set(name, fn));
  /** Register a function callable in every template (Flask's `template_global`). */
  readonly templateGlobal = templateRegistrar<TemplateGlobal>('templateGlobal', (name, fn) => this.templateGlobals.set(name, fn));
  /** Register a test for `{% if x is name %}` (Flask's `template_test`). */
  readonly templateTest = templateRegistrar<TemplateTest>('templateTest', (name, fn) => this.templateTests.set(name, fn));

  private cachedHandler: RequestListener | undefined;
  private validated = false;
  /** blueprintsOf's answer per endpoint; endpoints are a fixed set, so this stays small. */
  private readonly blueprintChains = new Map<string, readonly Blueprint[]>();

  private rootPathValue: string;
  private readonly instanceRelativeConfig: boolean;
  /** The instance folder (see `AppOptions.instancePath`). */
  readonly instancePath: string;

  /** The URL path of the static route; null without a static folder. */
  readonly staticUrlPath: string | null;
  /** The only host the static route answers (`staticHost`), or null for any. */
  readonly staticHost: string | null;
  private readonly staticFolderOption: string | null;

  constructor(options: AppOptions = {}) {
    super();
    this.name = options.name ?? 'micro';
    this.rootPathValue = resolve(options.rootPath ?? process.cwd());
    this.instancePath = resolve(this.rootPathValue, options.instancePath ?? 'instance');
    this.instanceRelativeConfig = options.instanceRelativeConfig ?? false;
    this.config = new Config(undefined, { rootPath: options.instanceRelativeConfig ? this.instancePath : this.rootPathValue });
    if (options.config) this.config.fromObject(options.config);
    // As Flask: the route exists whenever a folder is configured, whether or not it exists yet.
    const folder = (this.staticFolderOption = options.staticFolder === undefined ? 'static' : options.staticFolder);
    this.staticUrlPath = options.staticUrlPath ?? (folder === null ? null : defaultStaticUrlPath(folder));
    this.staticHost = options.staticHost ?? null;
    if (folder !== null) {
      this.addUrlRule(staticRule(this.staticUrlPath!), staticView(this, this.staticHost) as Handler<never>, { endpoint: STATIC_ENDPOINT });
    }
  }

  /** The app's folder (see `AppOptions.rootPath`): static files, templates and relative `sendFile` paths are found from here. */
  get rootPath(): string {
    return this.rootPathValue;
  }
  set rootPath(value: string) {
    this.rootPathValue = resolve(value);
    if (!this.instanceRelativeConfig) this.config.rootPath = this.rootPathValue;
  }

  /** The static folder's absolute path, or null when the app has none. */
  get staticFolder(): string | null {
    return this.staticFolderOption === null ? null : resolve(this.rootPath, this.staticFolderOption);
  }

  get hasStaticFolder(): boolean {
    return this.staticFolderOption !== null;
  }

  /** The view of the static route (Flask's `send_static_file`); override to change how static files are sent. */
  sendStaticFile(filename: string): Promise<Response> {
    return sendStaticFile(this, this.staticFolder, filename);
  }

  /**
   * How long browsers may cache a file sent without an explicit `maxAge`
   * (Flask's `get_send_file_max_age`): SEND_FILE_MAX_AGE_DEFAULT. Override
   * for per-file policies (e.g. long for fingerprinted assets).
   */
  getSendFileMaxAge(_filename: string | null): number | null {
    return this.config.SEND_FILE_MAX_AGE_DEFAULT;
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
   * A blueprint may be registered again under another `name` (Flask 2's
   * `name=`): its endpoints are then also `name.endpoint`.
   */
  registerBlueprint(bp: Blueprint, options: BlueprintRegistrationOptions = {}): void {
    const name = options.name ?? bp.name;
    if (options.name !== undefined) checkBlueprintName(options.name);
    this.mountBlueprint(bp, name, name, options.urlPrefix ?? bp.urlPrefix, []);
  }

  /** `name` is the full dotted name, `ownName` its last part (the blueprint's name, or the `name` option). */
  private mountBlueprint(bp: Blueprint, name: string, ownName: string, prefix: string, parents: readonly Blueprint[]): void {
    if (parents.includes(bp)) throw new Error(`The blueprint '${bp.name}' is nested in itself (${name}).`);
    const existing = this.blueprints.get(name);
    if (existing) {
      // Flask's message, with micro's spelling of the option.
      throw new Error(
        `The name '${ownName}' is already registered for ${existing === bp ? 'this' : 'a different'} blueprint` +
          `${ownName !== name ? ` '${name}'` : ''}. Use { name } to provide a unique name.`,
      );
    }
    this.blueprints.set(name, bp);
    this.blueprintChains.clear();
    bp.registeredOn(this, name, prefix);
    for (const { rule, handler, options: ruleOptions } of bp.deferred) {
      this.addBlueprintRule(bp, rule, handler, ruleOptions, prefix, name);
    }
    for (const child of bp.children) {
      const childPrefix = joinUrlPrefix(prefix, child.urlPrefix ?? child.blueprint.urlPrefix);
      const childName = child.name ?? child.blueprint.name;
      this.mountBlueprint(child.blueprint, `${name}.${childName}`, childName, childPrefix, [...parents, bp]);
    }
  }

  /**
   * Build a URL for an endpoint (Flask's `url_for`). `.name` means the current
   * blueprint's endpoint. Values the rule does not use go to the query string.
   */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
    return buildUrl(this, currentContext(), endpoint, values, options);
  }

  /**
   * Run `fn` with `currentApp` and `g` set, outside of any request (Flask's
   * `app_context`). The context ends when `fn` returns, or when the promise
   * it returns settles: then the `teardownAppcontext` hooks run, with the
   * error `fn` threw or null. After a synchronous `fn`, a hook's promise is
   * not waited for (its failure is logged).
   */
  appContext<T>(fn: () => T): T {
    const ctx = new AppContext(this);
    if (!this.teardownAppcontextFuncs.length) return runInContext(ctx, fn);
    return runInContext(ctx, () => {
      let rv: T;
      try {
        rv = fn();
      } catch (err) {
        void this.doTeardownAppcontext(ctx, err);
        throw err;
      }
      if (!isPromiseLike(rv)) {
        void this.doTeardownAppcontext(ctx, null);
        return rv;
      }
      return Promise.resolve(rv).then(
        async (value) => (await this.doTeardownAppcontext(ctx, null), value),
        async (err: unknown) => {
          await this.doTeardownAppcontext(ctx, err);
          throw err;
        },
      ) as T;
    });
  }

  /**
   * Run `fn` when each app context ends (Flask's `teardown_appcontext`): at
   * the end of every request, after the `teardownRequest` hooks, and at the
   * end of `app.appContext(fn)`. Hooks run in reverse order of registration
   * and get the unhandled error or null; a failing hook is logged. The place
   * to close what `g` opened, e.g. a database connection.
   */
  teardownAppcontext<F extends AppTeardownHook>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('teardownAppcontext() registers a function');
    this.teardownAppcontextFuncs.push(fn);
    return fn;
  }

  /** Flask's do_teardown_appcontext: the hooks in reverse; a promise only once a hook returns one. */
  private doTeardownAppcontext(ctx: AppContext, error: unknown, from = this.teardownAppcontextFuncs.length - 1): void | Promise<void> {
    const hooks = this.teardownAppcontextFuncs;
    const failed = (err: unknown) => this.logger.error('A teardown hook failed', err);
    for (let i = from; i >= 0; i--) {
      let rv: void | Promise<void>;
      try {
        rv = hooks[i]!(error, ctx);
      } catch (err) {
        failed(err);
        continue;
      }
      if (isPromiseLike(rv)) return Promise.resolve(rv).then(undefined, failed).then(() => this.doTeardownAppcontext(ctx, error, i - 1));
    }
  }

  /** A node:http request listener; mount it in any node server. */
  get handler(): RequestListener {
    if (!this.validated) this.validateSetup();
    return (this.cachedHandler ??= requestListener(this));
  }

  /**
   * Register `fn` to run when the app closes: when the server from `listen()`
   * closes (its `close()`, SIGTERM, SIGINT) or on `app.close()`. Extensions
   * release what they opened themselves here, e.g. a session store's connection.
   */
  onClose<F extends () => unknown>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('onClose() registers a function');
    this.closeFuncs.push(fn);
    return fn;
  }

  /** Run the `onClose` functions, last registered first, each once; a failure is logged and the rest still run. */
  async close(): Promise<void> {
    for (const fn of this.closeFuncs.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        this.logger.error('an onClose function failed:', err);
      }
    }
  }

  /** Serve the app: `await app.listen(5000)`; the result closes gracefully. */
  listen(port = 5000, host = '127.0.0.1', options: ListenOptions = {}): Promise<MicroServer> {
    // Under the micro CLI the CLI serves the app; the module's own listen() is ignored, as Flask's app.run() under `flask run`.
    if (isRunFromCli()) return ignoredListen(this.logger, port, host);
    return listen(this, port, host, options);
  }

  /**
   * A client that calls the app in-process, with a cookie jar (Flask's
   * `test_client`); `{ http: true }` sends real HTTP over loopback instead.
   */
  testClient(options: AppTestClientOptions = {}): AppTestClient {
    return new AppTestClient(this, options);
  }

  /** Turn a handler's return value into a Response (Flask's `make_response`). */
  makeResponse(rv: unknown): Response {
    return makeResponse(rv);
  }

  // ---------------------------------------------------------------------------
  // The request, top to bottom (Flask's wsgi_app, full_dispatch_request,
  // finalize_request, handle_user_exception, handle_exception).

  /**
   * Handle one request from start to end: route, open the session, run the
   * hooks and the view, turn errors into responses, finalize, hand the
   * response to `send` (the transport writes it), then tear down. Runs in the
   * request's context, so `request`, `session` and `g` work in everything it
   * calls. Resolves once teardown is over; never rejects, unless `propagate`
   * is set and the app propagates exceptions (PROPAGATE_EXCEPTIONS, or TESTING
   * or DEBUG), as Flask's test client raises them: then nothing is sent and the
   * unhandled error rejects after teardown.
   */
  handle(request: Request, send: SendResponse, options: HandleOptions = {}): Promise<void> {
    if (!this.validated) this.validateSetup();
    const ctx = new StatefulContext(this, request);
    return runInContext(ctx, () => this.runRequest(ctx, send, options.propagate === true));
  }

  /**
   * Flask's wsgi_app and full_dispatch_request, top to bottom: routing and the
   * session, before-request hooks, the view, error handlers, after-request
   * hooks and saving the session, sending, teardown. Each step awaits only
   * what is a promise, so a synchronous view goes through in one turn.
   */
  private async runRequest(ctx: StatefulContext, send: SendResponse, propagate: boolean): Promise<void> {
    let response: Response | undefined;
    try {
      let rv: unknown;
      try {
        this.matchRequest(ctx);
        const opened = this.openSession(ctx);
        if (opened) await opened;
        rv = this.preprocessRequest(ctx);
        if (isPromiseLike(rv)) rv = await rv;
        if (rv == null) {
          rv = this.dispatchRequest(ctx);
          if (isPromiseLike(rv)) rv = await rv;
        }
      } catch (err) {
        rv = await this.handleUserException(ctx, err);
      }
      response = makeResponse(rv, ctx.endpoint ?? undefined);
      const processed = this.processResponse(ctx, response);
      response = isPromiseLike(processed) ? await processed : processed;
    } catch (err) {
      response?.close(); // finalizing failed: an error page replaces it
      if (propagate && !(err instanceof HTTPException) && this.propagatesExceptions()) {
        ctx[ERROR] = err;
        await this.teardown(ctx);
        throw err;
      }
      response = await this.handleException(ctx, err);
    }
    try {
      const sent = send(response, ctx.request);
      if (sent) await sent;
    } catch (err) {
      this.logger.error('Sending the response failed', err);
    }
    if (this.hasTeardownWork(ctx)) await this.teardown(ctx);
  }

  /** Routing runs before the hooks; its error (404, 405, redirect) is raised after them, as in Flask. */
  private matchRequest(ctx: StatefulContext): void {
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
        ctx[BLUEPRINTS] = this.blueprintsOf(request);
      } catch (err) {
        ctx.routingError = err;
      }
    }
  }

  /** Open the session before the hooks; a promise only when the interface returns one (a store). */
  private openSession(ctx: StatefulContext): Promise<void> | undefined {
    const si = this.sessionInterface;
    if (!si) return undefined;
    if (si.saveUnopened) {
      ctx.sessionPending = true; // opened on first use (RequestContext.session)
      return undefined;
    }
    // A store that fails leaves a null session: nothing is ever saved over the stored one.
    const failed = (err: unknown): never => {
      ctx.sessionValue = si.makeNullSession(this);
      throw err;
    };
    let opened: ReturnType<typeof si.openSession>;
    try {
      opened = si.openSession(this, ctx.request);
    } catch (err) {
      return failed(err);
    }
    if (!isPromiseLike<SessionLike | null>(opened)) {
      ctx.sessionValue = (opened as SessionLike | null) ?? si.makeNullSession(this);
      return undefined;
    }
    return Promise.resolve(opened).then((s) => {
      ctx.sessionValue = s ?? si.makeNullSession(this);
    }, failed);
  }

  /**
   * Flask's preprocess_request: URL value preprocessors, then before-request
   * hooks, each the app's then each blueprint's from the outermost in. The
   * first value a hook returns wins.
   */
  private preprocessRequest(ctx: StatefulContext): unknown {
    const bps = ctx[BLUEPRINTS];
    if (this.urlValuePreprocessors.length || bps.some((bp) => bp.urlValuePreprocessors.length)) {
      // As Flask: (null, null) when routing failed.
      const values = ctx[RULE] ? ctx.params : null;
      for (const scaffold of [this, ...bps.toReversed()]) {
        for (const fn of scaffold.urlValuePreprocessors) fn(ctx.endpoint, values);
      }
    }
    if (!this.beforeRequestFuncs.length && !bps.some((bp) => bp.beforeRequestFuncs.length)) return undefined;
    return runBeforeHooks(ctx, [this, ...bps.toReversed()]);
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
    return view(ctx.params, ctx);
  }

  /** Flask's handle_user_exception: an error handler's value, or the HTTP error's own page; anything else is rethrown. */
  private async handleUserException(ctx: StatefulContext, err: unknown): Promise<unknown> {
    const handler = err instanceof RequestRedirect ? undefined : this.findErrorHandler(ctx, err);
    if (handler) return handler(err, ctx);
    if (err instanceof HTTPException) return this.httpErrorResponse(ctx, err);
    throw err;
  }

  /**
   * Flask's process_response: after-request hooks (this request's, then the
   * blueprints' from the innermost out, then the app's; each list in
   * reverse), then save the session. A promise only when there are hooks or
   * the session is saved to a store.
   */
  private processResponse(ctx: StatefulContext, response: Response): Response | Promise<Response> {
    if (this.hasAfterRequestHooks(ctx)) return this.runAfterRequestHooks(ctx, response);
    const saved = this.saveSession(ctx, response);
    return saved ? saved.then(() => response) : response;
  }

  private async runAfterRequestHooks(ctx: StatefulContext, response: Response): Promise<Response> {
    // A response a hook replaces is closed: its file or generator is released now, not by the GC.
    const replace = (rv: unknown): void => {
      if (rv instanceof Response && rv !== response) {
        response.close();
        response = rv;
      }
    };
    for (const fn of ctx.afterThisRequestFuncs ?? NO_HOOKS) replace(await fn(response));
    for (const scaffold of [...ctx[BLUEPRINTS], this]) {
      const hooks = scaffold.afterRequestFuncs;
      for (let i = hooks.length - 1; i >= 0; i--) replace(await hooks[i]!(response, ctx));
    }
    await this.saveSession(ctx, response);
    return response;
  }

  private hasAfterRequestHooks(ctx: StatefulContext): boolean {
    return ctx.afterThisRequestFuncs !== null || this.afterRequestFuncs.length > 0 || ctx[BLUEPRINTS].some((bp) => bp.afterRequestFuncs.length > 0);
  }

  /** Saving is attempted once: a failed save is never retried with an error page's state. */
  private saveSession(ctx: StatefulContext, response: Response): void | Promise<void> {
    const si = this.sessionInterface;
    if (!si || ctx[SAVED]) return;
    const session = ctx.sessionValue;
    if (!session) {
      if (ctx.sessionPending && si.saveUnopened) {
        ctx[SAVED] = true;
        si.saveUnopened(this, ctx.request, response);
      }
      return;
    }
    if (si.isNullSession(session)) return;
    ctx[SAVED] = true;
    return si.saveSession(this, session, response);
  }

  /**
   * Flask's handle_exception: log an unexpected error and answer 500 — or the
   * status of an HTTP error raised while finishing (e.g. 503 from a session store).
   */
  private async handleException(ctx: StatefulContext, err: unknown): Promise<Response> {
    let httpError: HTTPException;
    if (err instanceof HTTPException) {
      httpError = err;
    } else {
      ctx[ERROR] = err;
      this.logger.error(`Exception on ${ctx.request.path} [${ctx.request.method}]`, err);
      httpError = new InternalServerError(undefined, { cause: err });
    }
    let response: Response;
    try {
      const handler = this.findErrorHandler(ctx, httpError);
      response = makeResponse(handler ? await handler(httpError, ctx) : this.httpErrorResponse(ctx, httpError), ctx.endpoint ?? undefined);
    } catch (handlerError) {
      this.logger.error('The error handler failed', handlerError);
      return this.lastResort(ctx, handlerError);
    }
    // Flask's finalize_request(from_error_handler=True): a failure here is logged, and this page is sent.
    try {
      return await this.processResponse(ctx, response);
    } catch (finalizeError) {
      this.logger.error('Request finalizing failed with an error while handling an error', finalizeError);
      return response;
    }
  }

  /** When even error handling failed: a bare 500 that reveals nothing. */
  private lastResort(ctx: StatefulContext, err: unknown): Response {
    ctx[ERROR] ??= err;
    this.logger.error(`Exception on ${ctx.request.path} [${ctx.request.method}]`, err);
    return errorResponse(new InternalServerError(), false);
  }

  /**
   * Teardown hooks (the blueprints' from the innermost out, then the app's;
   * each list in reverse), then the app context's, get the unhandled error.
   */
  private async teardown(ctx: StatefulContext): Promise<void> {
    const request = ctx.request;
    if (request.hasUploads) {
      await request.cleanup().catch((err: unknown) => this.logger.error('Removing upload temp files failed', err));
    }
    const error = ctx[ERROR];
    for (const scaffold of [...ctx[BLUEPRINTS], this]) {
      const hooks = scaffold.teardownRequestFuncs;
      for (let i = hooks.length - 1; i >= 0; i--) {
        try {
          await hooks[i]!(error, ctx);
        } catch (err) {
          this.logger.error('A teardown hook failed', err);
        }
      }
    }
    // The request's app context ends with it, as Flask pops it after the request context.
    await this.doTeardownAppcontext(ctx, error);
  }

  private hasTeardownWork(ctx: StatefulContext): boolean {
    return (
      ctx.request.hasUploads ||
      this.teardownRequestFuncs.length > 0 ||
      this.teardownAppcontextFuncs.length > 0 ||
      ctx[BLUEPRINTS].some((bp) => bp.teardownRequestFuncs.length > 0)
    );
  }

  private propagatesExceptions(): boolean {
    const c = this.config;
    return c.PROPAGATE_EXCEPTIONS ?? (c.TESTING || c.DEBUG);
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
  private findErrorHandler(ctx: StatefulContext, err: unknown): ErrorHandler<unknown> | undefined {
    const bps = ctx[BLUEPRINTS];
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
  private blueprintsOf(request: Request): readonly Blueprint[] {
    const endpoint = request.endpoint!;
    let chain = this.blueprintChains.get(endpoint);
    if (chain === undefined) {
      // An app route given a dotted endpoint names no registered blueprint: it has none.
      chain = request.blueprint === null ? NO_BLUEPRINTS : request.blueprints.flatMap((name) => this.blueprints.get(name) ?? []);
      this.blueprintChains.set(endpoint, chain);
    }
    return chain;
  }

  /** Checked once, before the first request: config errors surface at start-up, not mid-request. */
  private validateSetup(): void {
    this.config.validate(this.logger);
    this.validated = true;
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
    // As Flask, a view function may carry its own (a class-based view's asView() does).
    const own = handler as { methods?: readonly string[] | null; provideAutomaticOptions?: boolean | null };
    const methods = (options.methods ?? own.methods ?? ['GET']).map((m) => m.toUpperCase());
    this.router.add(rule, {
      endpoint,
      methods,
      strictSlashes: options.strictSlashes,
      defaults: options.defaults,
      provideAutomaticOptions: options.provideAutomaticOptions ?? own.provideAutomaticOptions ?? !methods.includes('OPTIONS'),
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

function endpointFromHandler(handler: Handler<never>, rule: string): string {
  // Anonymous arrow functions have no name: fall back to the rule, so they still route.
  return handler.name && handler.name !== 'anonymous' ? handler.name.replace(/^bound /, '') : rule;
}

/** Before-request hooks of each scaffold in turn; the first value other than undefined/null stops the request with it. */
async function runBeforeHooks(ctx: RequestContext, scaffolds: readonly Scaffold[]): Promise<unknown> {
  for (const scaffold of scaffolds) {
    for (const hook of scaffold.beforeRequestFuncs) {
      const rv = await hook(ctx);
      if (rv != null) return rv;
    }
  }
  return undefined;
}
