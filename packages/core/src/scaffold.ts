import type { HTTPException } from './errors.js';
import type { MaybePromise } from './maybe-promise.js';
import type {
  AfterRequestHook,
  BeforeRequestHook,
  ErrorHandler,
  Handler,
  ParamsOf,
  RouteDecorator,
  RouteOptions,
  TeardownHook,
} from './route-types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass<E = Error> = abstract new (...args: any[]) => E;

/** Error handlers of one app or blueprint: by status code, then by class. */
export class ErrorHandlerSpec {
  readonly byCode = new Map<number, ErrorHandler<never>>();
  readonly byClass = new Map<ErrorClass<unknown>, ErrorHandler<never>>();

  /** Register `handler` for a status code or an error class (checked with `checkErrorKey`). */
  set<E>(codeOrClass: number | ErrorClass<E>, handler: ErrorHandler<E>): void {
    if (typeof codeOrClass === 'number') this.byCode.set(codeOrClass, handler as ErrorHandler<never>);
    else this.byClass.set(codeOrClass, handler as ErrorHandler<never>);
  }

  /** The handler for `error`: its status code first, then its class and superclasses. */
  find(error: unknown): ErrorHandler<unknown> | undefined {
    return this.findByCode(error) ?? this.findByClass(error);
  }

  /** The handler registered for the status code of an HTTP error. */
  findByCode(error: unknown): ErrorHandler<unknown> | undefined {
    if (this.byCode.size && typeof (error as HTTPException)?.status === 'number') {
      return this.byCode.get((error as HTTPException).status) as ErrorHandler<unknown> | undefined;
    }
    return undefined;
  }

  /** The handler registered for the error's class or its nearest superclass. */
  findByClass(error: unknown): ErrorHandler<unknown> | undefined {
    if (this.byClass.size && error !== null && typeof error === 'object') {
      for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
        const handler = this.byClass.get(proto.constructor);
        if (handler) return handler as ErrorHandler<unknown>;
      }
    }
    return undefined;
  }
}

/** Throws unless `codeOrClass` is an HTTP error status (400-599) or a class, as `errorHandler` takes. */
export function checkErrorKey(method: string, codeOrClass: unknown): void {
  if (typeof codeOrClass === 'number') {
    if (!Number.isInteger(codeOrClass) || codeOrClass < 400 || codeOrClass > 599) {
      throw new TypeError(`${method}(${codeOrClass}): use an HTTP error status (400-599) or an error class`);
    }
  } else if (typeof codeOrClass !== 'function') {
    throw new TypeError(`${method}() takes a status code or an error class`);
  }
}

/**
 * Runs first for each request, before the before-request hooks, with the
 * matched endpoint and the URL's values (null both when routing failed); may
 * take values out so the view does not get them (Flask's
 * `url_value_preprocessor`).
 */
export type UrlValuePreprocessor = (endpoint: string | null, values: Record<string, unknown> | null) => void;
/** Fills in values `urlFor` was not given, for the endpoint being built; changes `values` in place (Flask's `url_defaults`). */
export type UrlDefaultsFunction = (endpoint: string, values: Record<string, unknown>) => void;

/**
 * Adds names to the context of every template rendered in a request (Flask's
 * context processor). Called with no arguments; may be async.
 */
export type ContextProcessor = () => MaybePromise<Record<string, unknown> | null | undefined | void>;
/** A template filter: `{{ value|name(a, b) }}` calls `fn(value, a, b)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TemplateFilter = (value: any, ...args: any[]) => unknown;
/** A template test: `{% if value is name(a) %}` calls `fn(value, a)`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TemplateTest = (value: any, ...args: any[]) => boolean;
/** A template global function: `{{ name(a) }}`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TemplateGlobal = (...args: any[]) => unknown;

/**
 * Flask's `@app.template_filter()` forms: `register(fn)` uses the function's
 * name, `register(fn, 'name')` or `register('name')(fn)` another one.
 */
export interface TemplateRegistrar<F> {
  <T extends F>(fn: T, name?: string): T;
  (name?: string): <T extends F>(fn: T) => T;
}

/** A TemplateRegistrar that hands each function and its name to `add`. */
export function templateRegistrar<F extends (...args: never[]) => unknown>(
  method: string,
  add: (name: string, fn: F) => void,
): TemplateRegistrar<F> {
  const register = (fn: F, name?: string): F => {
    if (typeof fn !== 'function') throw new TypeError(`${method}() registers a function`);
    const key = name ?? fn.name;
    if (!key) throw new TypeError(`${method}(): an anonymous function needs a name: ${method}(fn, 'name') or ${method}('name')(fn)`);
    add(key, fn);
    return fn;
  };
  return ((fnOrName?: F | string, name?: string) =>
    typeof fnOrName === 'function' ? register(fnOrName, name) : (fn: F) => register(fn, fnOrName)) as TemplateRegistrar<F>;
}

interface MethodShorthand {
  <R extends string>(rule: R, options?: Omit<RouteOptions, 'methods'>): RouteDecorator<ParamsOf<R>>;
  <R extends string, F extends Handler<ParamsOf<R>>>(rule: R, handler: F): F;
  <R extends string, F extends Handler<ParamsOf<R>>>(rule: R, options: Omit<RouteOptions, 'methods'>, handler: F): F;
}

/**
 * What App and Blueprint share (Flask's Scaffold): registering routes, hooks,
 * error handlers and template context processors.
 */
export abstract class Scaffold {
  readonly beforeRequestFuncs: BeforeRequestHook[] = [];
  readonly afterRequestFuncs: AfterRequestHook[] = [];
  readonly teardownRequestFuncs: TeardownHook[] = [];
  readonly errorHandlers = new ErrorHandlerSpec();
  readonly urlValuePreprocessors: UrlValuePreprocessor[] = [];
  readonly urlDefaultFuncs: UrlDefaultsFunction[] = [];
  /** Run by the template engine (`@micro/templates`) before each render; see `contextProcessor`. */
  readonly templateContextProcessors: ContextProcessor[] = [];

  /** Register `handler` for `rule` (Flask's `add_url_rule`). */
  abstract addUrlRule(rule: string, handler: Handler<never>, options?: RouteOptions): void;

  /**
   * Route a URL rule to a handler: `app.route('/')(index)`, or as a decorator
   * `@app.route('/')` on a class method.
   */
  route<R extends string>(rule: R, options: RouteOptions = {}): RouteDecorator<ParamsOf<R>> {
    const register = (handler: Handler<never>, context?: ClassMethodDecoratorContext): Handler<never> => {
      if (context === undefined) {
        this.addUrlRule(rule, handler, options);
        return handler;
      }
      if (context.kind !== 'method') throw new TypeError('@route() decorates methods only');
      const endpoint = options.endpoint ?? String(context.name);
      if (context.static) {
        // Static methods: registered when the class is defined, bound to the class.
        context.addInitializer(function (this: unknown) {
          register(bindNamed(handler, this, endpoint), undefined);
        });
      } else {
        // Instance methods: registered when the class is first instantiated, bound to that instance.
        let done = false;
        context.addInitializer(function (this: unknown) {
          if (done) return;
          done = true;
          register(bindNamed(handler, this, endpoint), undefined);
        });
      }
      return handler;
    };
    return register as unknown as RouteDecorator<ParamsOf<R>>;
  }

  get: MethodShorthand = this.shorthand('GET');
  post: MethodShorthand = this.shorthand('POST');
  put: MethodShorthand = this.shorthand('PUT');
  patch: MethodShorthand = this.shorthand('PATCH');
  delete: MethodShorthand = this.shorthand('DELETE');

  /** Run `fn` before each request; a returned value is sent instead of calling the view. */
  beforeRequest<F extends BeforeRequestHook>(fn: F): F {
    this.beforeRequestFuncs.push(fn);
    return fn;
  }

  /** Run `fn` with each response; hooks run in reverse order of registration. */
  afterRequest<F extends AfterRequestHook>(fn: F): F {
    this.afterRequestFuncs.push(fn);
    return fn;
  }

  /** Run `fn` when each request ends, even when it failed. */
  teardownRequest<F extends TeardownHook>(fn: F): F {
    this.teardownRequestFuncs.push(fn);
    return fn;
  }

  /**
   * Run `fn(endpoint, values)` for each request, before the before-request
   * hooks: every request for the app, the blueprint's own for a blueprint
   * (Flask's `url_value_preprocessor`). It may remove values, e.g. a language
   * code kept in `g` instead of passed to every view.
   */
  urlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('urlValuePreprocessor() registers a function');
    this.urlValuePreprocessors.push(fn);
    return fn;
  }

  /**
   * Run `fn(endpoint, values)` when `urlFor` builds a URL: for every endpoint
   * for the app, the blueprint's own endpoints for a blueprint (Flask's
   * `url_defaults`). It fills in values in place, e.g. the current language
   * code from `g`.
   */
  urlDefaults<F extends UrlDefaultsFunction>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('urlDefaults() registers a function');
    this.urlDefaultFuncs.push(fn);
    return fn;
  }

  /**
   * Add the names `fn` returns to the context of templates rendered while
   * handling a request: every request for the app, the blueprint's own
   * requests for a blueprint (Flask's `context_processor`).
   */
  contextProcessor<F extends ContextProcessor>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('contextProcessor() registers a function');
    this.templateContextProcessors.push(fn);
    return fn;
  }

  /**
   * Handle errors by status code (`404`) or by class (`MyError`, `HTTPException`):
   * `app.errorHandler(404, fn)` or `app.errorHandler(404)(fn)`.
   */
  errorHandler<E>(codeOrClass: number | ErrorClass<E>, fn: ErrorHandler<E>): ErrorHandler<E>;
  errorHandler<E>(codeOrClass: number | ErrorClass<E>): <F extends ErrorHandler<E>>(fn: F) => F;
  errorHandler<E>(codeOrClass: number | ErrorClass<E>, fn?: ErrorHandler<E>): unknown {
    checkErrorKey('errorHandler', codeOrClass);
    const register = <F extends ErrorHandler<E>>(handler: F): F => {
      this.errorHandlers.set(codeOrClass, handler);
      return handler;
    };
    return fn ? register(fn) : register;
  }

  private shorthand(method: string): MethodShorthand {
    return ((rule: string, optionsOrHandler?: unknown, maybeHandler?: unknown) => {
      if ((optionsOrHandler as RouteOptions | undefined)?.methods) {
        throw new TypeError(`Use app.route() to pass methods; app.${method.toLowerCase()}() is for ${method} only`);
      }
      const options =
        typeof optionsOrHandler === 'function' ? {} : ({ ...(optionsOrHandler as RouteOptions | undefined) } as RouteOptions);
      const handler = typeof optionsOrHandler === 'function' ? optionsOrHandler : maybeHandler;
      const decorator = this.route(rule, { ...options, methods: [method] });
      return typeof handler === 'function' ? decorator(handler as never) : decorator;
    }) as MethodShorthand;
  }
}

function bindNamed(fn: Handler<never>, self: unknown, name: string): Handler<never> {
  const bound = fn.bind(self) as Handler<never>;
  Object.defineProperty(bound, 'name', { value: name });
  return bound;
}
