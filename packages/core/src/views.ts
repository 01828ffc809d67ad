import type { RequestContext } from './context.js';
import type { ResponseReturnValue } from './make-response.js';
import type { MaybePromise } from './maybe-promise.js';
import type { Handler } from './route-types.js';

/** Wraps a view function in another (a login check, a cache); see `View.decorators`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewDecorator = (view: Handler<any>) => Handler<any>;

/** A concrete View class with its statics. */
export type ViewClass<A extends unknown[] = never[]> = Pick<typeof View, 'methods' | 'provideAutomaticOptions' | 'decorators' | 'initEveryRequest'> &
  (new (...args: A) => View);

/** What `asView` returns: a view function that carries its class, methods and OPTIONS setting, as Flask's. */
export interface ClassView extends Handler<Record<string, unknown>> {
  /** The class it makes instances of; replace it in tests to swap the implementation. */
  viewClass: ViewClass;
  /** Read by `addUrlRule` when no `methods` option is given. */
  methods: readonly string[] | null;
  /** Read by `addUrlRule` when no `provideAutomaticOptions` option is given. */
  provideAutomaticOptions: boolean | null;
}

/** The lower-case names MethodView dispatches to (Flask's `http_method_funcs`). */
const HTTP_METHOD_FUNCS = ['get', 'post', 'head', 'options', 'delete', 'put', 'trace', 'patch'] as const;

/**
 * A class-based view (Flask's `flask.views.View`): subclass it, implement
 * `dispatchRequest(params, ctx)`, and register `MyView.asView('name', ...args)`
 * with `app.addUrlRule(rule, …)`. The arguments after the name go to the
 * constructor.
 */
export abstract class View {
  /** The methods the view answers when `addUrlRule` is given none. Default: null (`['GET']`, as a function view). */
  static methods: readonly string[] | null = null;
  /** Whether OPTIONS is answered automatically, when `addUrlRule` is not told. Default: null (yes, unless `methods` lists OPTIONS). */
  static provideAutomaticOptions: boolean | null = null;
  /** Applied in order to the view function `asView` makes: the first is the innermost. Default: none. */
  static decorators: readonly ViewDecorator[] = [];
  /**
   * A new instance for each request (Flask's `init_every_request`). Set it to
   * false to make one instance in `asView` and share it: then keep
   * per-request data in `g`, not on `this`. Default: true.
   */
  static initEveryRequest = true;

  /** Handles a request: gets the URL's values and the request context, as a view function does. */
  abstract dispatchRequest(params: Record<string, unknown>, ctx: RequestContext): MaybePromise<ResponseReturnValue>;

  /**
   * A view function for the class (Flask's `as_view`), named `name` (its
   * endpoint); `classArgs` go to the constructor, for each request or once
   * (see `initEveryRequest`).
   */
  static asView<A extends unknown[]>(this: new (...args: A) => View, name: string, ...classArgs: A): ClassView {
    const cls = this as unknown as ViewClass<A>;
    let view: Handler<Record<string, unknown>>;
    if (cls.initEveryRequest) {
      view = (params, ctx) => {
        // Through viewClass, as Flask's view_class, so a test can swap the class.
        const self = new ((view as ClassView).viewClass as unknown as ViewClass<A>)(...classArgs);
        return self.dispatchRequest(params, ctx);
      };
    } else {
      const self = new cls(...classArgs);
      view = (params, ctx) => self.dispatchRequest(params, ctx);
    }
    nameView(view, name);
    for (const decorator of cls.decorators) view = decorator(view);
    const classView = nameView(view, name) as ClassView;
    classView.viewClass = cls as unknown as ViewClass;
    classView.methods = cls.methods;
    classView.provideAutomaticOptions = cls.provideAutomaticOptions;
    return classView;
  }
}

/**
 * A view that answers each method with the instance method of that name in
 * lower case (Flask's `MethodView`): `get(params, ctx)`, `post`, `put`,
 * `delete`… HEAD falls back to `get`. Its `methods` are those it defines,
 * plus its parent's, unless the class sets `methods` itself.
 */
export abstract class MethodView extends View {
  static override asView<A extends unknown[]>(this: new (...args: A) => View, name: string, ...classArgs: A): ClassView {
    const view = View.asView.call(this as never, name, ...classArgs) as ClassView;
    view.methods = methodsOf(this as unknown as ViewClass);
    return view;
  }

  override dispatchRequest(params: Record<string, unknown>, ctx: RequestContext): MaybePromise<ResponseReturnValue> {
    const method = ctx.request.method;
    const handlers = this as unknown as Record<string, Handler<Record<string, unknown>> | undefined>;
    let handler = handlers[method.toLowerCase()];
    // Flask: HEAD without a head() is answered by get().
    if (typeof handler !== 'function' && method === 'HEAD') handler = handlers.get;
    if (typeof handler !== 'function') throw new Error(`Unimplemented method '${method}'`);
    return handler.call(this, params, ctx);
  }
}

/**
 * Flask's MethodView.__init_subclass__, worked out when `asView` is called:
 * the class's own `methods` if it sets them, else its parent's plus the
 * handlers it has (null when none).
 */
function methodsOf(cls: ViewClass): readonly string[] | null {
  if (Object.hasOwn(cls, 'methods')) return cls.methods;
  const methods = new Set(methodsOf(Object.getPrototypeOf(cls) as ViewClass) ?? []);
  for (const key of HTTP_METHOD_FUNCS) {
    if (typeof (cls.prototype as unknown as Record<string, unknown>)[key] === 'function') methods.add(key.toUpperCase());
  }
  return methods.size ? [...methods] : null;
}

function nameView<F extends Handler<never>>(view: F, name: string): F {
  Object.defineProperty(view, 'name', { value: name, configurable: true });
  return view;
}
