import type { AfterRequestHook, BeforeRequestHook, ErrorHandler, Handler, RouteOptions, TeardownHook } from './route-types.js';
import {
  Scaffold,
  checkErrorKey,
  templateRegistrar,
  type ContextProcessor,
  type ErrorClass,
  type TemplateFilter,
  type TemplateGlobal,
  type TemplateTest,
  type UrlDefaultsFunction,
  type UrlValuePreprocessor,
} from './scaffold.js';
import type { App } from './app.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentAppContext } from './context.js';
import type { Response } from './response.js';
import { STATIC_ENDPOINT, defaultStaticUrlPath, sendStaticFile, staticRule, staticView } from './static/static-folder.js';

export interface BlueprintOptions {
  /** Prefix for every rule of the blueprint, e.g. `/auth`. */
  urlPrefix?: string;
  /**
   * The blueprint's own template folder, searched after the app's (Flask's
   * `template_folder`): absolute, a `file:` URL (`new URL('./templates',
   * import.meta.url)` for one beside the module, as Flask's), or relative to
   * the app's root path. Default: none.
   */
  templateFolder?: string | URL;
  /**
   * A folder of static files served under the blueprint's prefix at
   * `staticUrlPath`, endpoint `name.static` (Flask's `static_folder`):
   * absolute, a `file:` URL, or relative to the app's root path. Default: none.
   */
  staticFolder?: string | URL | null;
  /** The URL path of the blueprint's static route, under its prefix. Default: `'/'` and the folder's name. */
  staticUrlPath?: string | null;
}

/** How a blueprint is registered on an app or nested in a blueprint. */
export interface BlueprintRegistrationOptions {
  /** Overrides the blueprint's own `urlPrefix`. */
  urlPrefix?: string;
  /**
   * Register it under this name instead of its own (Flask's `name=`), e.g. to
   * register one blueprint twice: endpoints become `name.endpoint`. Default:
   * the blueprint's name.
   */
  name?: string;
}

interface DeferredRule {
  rule: string;
  handler: Handler<never>;
  options: RouteOptions;
}

/** A blueprint registered on this one (Flask 2's nested blueprints). */
export interface NestedBlueprint {
  blueprint: Blueprint;
  /** Overrides the child's own prefix; joined under the parent's. */
  urlPrefix: string | undefined;
  /** Overrides the child's own name. */
  name: string | undefined;
}

/** Where a blueprint sits on one app: its full dotted name and URL prefix. */
interface Mount {
  name: string;
  urlPrefix: string;
}

/**
 * A group of routes, hooks and error handlers registered on an app under a
 * name and URL prefix (Flask's Blueprint). Endpoints become `name.endpoint`;
 * hooks and error handlers apply to the blueprint's own requests only, and to
 * those of the blueprints nested in it (`parent.child.endpoint`).
 */
export class Blueprint extends Scaffold {
  readonly urlPrefix: string;
  /** Rules recorded until the blueprint is registered on an app. */
  readonly deferred: DeferredRule[] = [];
  /** Blueprints registered on this one, mounted with it. */
  readonly children: NestedBlueprint[] = [];
  /** See `BlueprintOptions.templateFolder`; null: none. */
  readonly templateFolder: string | URL | null;
  /** The URL path of the static route under the blueprint's prefix; null without a static folder. */
  readonly staticUrlPath: string | null;
  /** `staticFolder` as given (a URL as its path). */
  private readonly staticFolderOption: string | null;
  /** Setup for the apps it is registered on (beforeAppRequest, appTemplateFilter and friends), run once per app. */
  private readonly appSetup: Array<(app: App) => void> = [];
  // A blueprint nested under two parents sits twice on one app, under two names.
  private readonly mounts = new Map<App, Mount[]>();

  constructor(
    readonly name: string,
    options: BlueprintOptions = {},
  ) {
    super();
    checkBlueprintName(name);
    this.urlPrefix = options.urlPrefix ?? '';
    this.templateFolder = options.templateFolder ?? null;
    const folder = options.staticFolder ?? null;
    this.staticFolderOption = folder instanceof URL ? fileURLToPath(folder) : folder;
    this.staticUrlPath = options.staticUrlPath ?? (this.staticFolderOption === null ? null : defaultStaticUrlPath(this.staticFolderOption));
    if (this.staticUrlPath !== null && this.staticFolderOption !== null) {
      this.addUrlRule(staticRule(this.staticUrlPath), staticView(this) as Handler<never>, { endpoint: STATIC_ENDPOINT });
    }
  }

  /** The static folder's absolute path for the current app, or null without one. */
  get staticFolder(): string | null {
    const folder = this.staticFolderOption;
    return folder === null ? null : resolve(currentAppContext().app.rootPath, folder);
  }

  get hasStaticFolder(): boolean {
    return this.staticFolderOption !== null;
  }

  /** The view of the blueprint's static route (Flask's `Blueprint.send_static_file`). */
  sendStaticFile(filename: string): Promise<Response> {
    const app = currentAppContext().app;
    return sendStaticFile(app, this.staticFolder, filename);
  }

  /** Register a template filter for the whole app (Flask's `app_template_filter`). */
  readonly appTemplateFilter = templateRegistrar<TemplateFilter>('appTemplateFilter', (name, fn) =>
    this.onApps((app) => app.templateFilters.set(name, fn)),
  );
  /** Register a template global function for the whole app (Flask's `app_template_global`). */
  readonly appTemplateGlobal = templateRegistrar<TemplateGlobal>('appTemplateGlobal', (name, fn) =>
    this.onApps((app) => app.templateGlobals.set(name, fn)),
  );
  /** Register a template test for the whole app (Flask's `app_template_test`). */
  readonly appTemplateTest = templateRegistrar<TemplateTest>('appTemplateTest', (name, fn) =>
    this.onApps((app) => app.templateTests.set(name, fn)),
  );

  /** A context processor for every request of the app, not just the blueprint's (Flask's `app_context_processor`). */
  appContextProcessor<F extends ContextProcessor>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('appContextProcessor() registers a function');
    this.onApps((app) => app.templateContextProcessors.push(fn));
    return fn;
  }

  /** Run `fn` before every request of the app, not just the blueprint's (Flask's `before_app_request`). */
  beforeAppRequest<F extends BeforeRequestHook>(fn: F): F {
    checkFunction('beforeAppRequest', fn);
    this.onApps((app) => app.beforeRequestFuncs.push(fn));
    return fn;
  }

  /** Run `fn` with the response of every request of the app (Flask's `after_app_request`). */
  afterAppRequest<F extends AfterRequestHook>(fn: F): F {
    checkFunction('afterAppRequest', fn);
    this.onApps((app) => app.afterRequestFuncs.push(fn));
    return fn;
  }

  /** Run `fn` when every request of the app ends, even when it failed (Flask's `teardown_app_request`). */
  teardownAppRequest<F extends TeardownHook>(fn: F): F {
    checkFunction('teardownAppRequest', fn);
    this.onApps((app) => app.teardownRequestFuncs.push(fn));
    return fn;
  }

  /**
   * Handle an error raised by any request of the app, not just the
   * blueprint's (Flask's `app_errorhandler`): registered as the app's own
   * `errorHandler(codeOrClass, fn)` when the blueprint is registered.
   */
  appErrorhandler<E>(codeOrClass: number | ErrorClass<E>, fn: ErrorHandler<E>): ErrorHandler<E>;
  appErrorhandler<E>(codeOrClass: number | ErrorClass<E>): <F extends ErrorHandler<E>>(fn: F) => F;
  appErrorhandler<E>(codeOrClass: number | ErrorClass<E>, fn?: ErrorHandler<E>): unknown {
    checkErrorKey('appErrorhandler', codeOrClass);
    const register = <F extends ErrorHandler<E>>(handler: F): F => {
      checkFunction('appErrorhandler', handler);
      this.onApps((app) => app.errorHandlers.set(codeOrClass, handler));
      return handler;
    };
    return fn ? register(fn) : register;
  }

  /** A URL value preprocessor for every request of the app (Flask's `app_url_value_preprocessor`). */
  appUrlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    checkFunction('appUrlValuePreprocessor', fn);
    this.onApps((app) => app.urlValuePreprocessors.push(fn));
    return fn;
  }

  /** URL defaults for every endpoint of the app (Flask's `app_url_defaults`). */
  appUrlDefaults<F extends UrlDefaultsFunction>(fn: F): F {
    checkFunction('appUrlDefaults', fn);
    this.onApps((app) => app.urlDefaultFuncs.push(fn));
    return fn;
  }

  /** Run `setup` on each app the blueprint is registered on, now and at later registrations. */
  private onApps(setup: (app: App) => void): void {
    this.appSetup.push(setup);
    for (const app of this.mounts.keys()) setup(app);
  }

  override addUrlRule(rule: string, handler: Handler<never>, options: RouteOptions = {}): void {
    if (options.endpoint?.includes('.')) {
      throw new TypeError(`Blueprint endpoint ${JSON.stringify(options.endpoint)} must not contain a dot`);
    }
    const entry = { rule, handler, options };
    this.deferred.push(entry);
    // Rules added after registration reach the apps it is registered on.
    for (const [app, mounts] of this.mounts) {
      for (const m of mounts) app.addBlueprintRule(this, entry.rule, entry.handler, entry.options, m.urlPrefix, m.name);
    }
  }

  /**
   * Nest `child` in this blueprint (Flask's `Blueprint.register_blueprint`): its
   * endpoints become `parent.child.endpoint`, its prefix goes under this one's,
   * and this blueprint's hooks and error handlers apply to its requests too.
   * Nest before this blueprint is registered on an app, as Flask requires.
   */
  registerBlueprint(child: Blueprint, options: BlueprintRegistrationOptions = {}): void {
    if (child === this) throw new Error(`Cannot register the blueprint '${this.name}' on itself.`);
    if (this.mounts.size) {
      throw new Error(`The blueprint '${this.name}' is already registered on an app: nest '${child.name}' in it before that.`);
    }
    if (options.name !== undefined) checkBlueprintName(options.name);
    const name = options.name ?? child.name;
    if (this.children.some((c) => (c.name ?? c.blueprint.name) === name)) {
      throw new Error(`The blueprint '${this.name}' already has a nested blueprint named '${name}'. Use { name } to nest it under another name.`);
    }
    this.children.push({ blueprint: child, urlPrefix: options.urlPrefix, name: options.name });
  }

  /** Called by `app.registerBlueprint`; use that instead. */
  registeredOn(app: App, name: string, urlPrefix: string): void {
    const mounts = this.mounts.get(app);
    if (mounts) {
      mounts.push({ name, urlPrefix });
    } else {
      this.mounts.set(app, [{ name, urlPrefix }]);
      // Once per app, as Flask's record_once: a blueprint mounted twice adds its filters once.
      for (const setup of this.appSetup) setup(app);
    }
  }
}

/** A blueprint's name becomes the first part of its endpoints: non-empty, no dot. */
export function checkBlueprintName(name: string): void {
  if (!name || name.includes('.')) {
    throw new TypeError(`Blueprint name ${JSON.stringify(name)} must be non-empty and must not contain a dot`);
  }
}

function checkFunction(method: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`${method}() registers a function`);
}

/** `child` (a nested blueprint's prefix, or a rule) under `parent`, with one slash between them, as Flask joins them. */
export function joinUrlPrefix(parent: string, child: string): string {
  if (!parent) return child;
  if (!child) return parent;
  return `${parent.replace(/\/+$/, '')}/${child.replace(/^\/+/, '')}`;
}
