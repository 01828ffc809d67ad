import type { RequestContext } from './context.js';
import type { ResponseReturnValue } from './make-response.js';
import type { MaybePromise } from './maybe-promise.js';
import type { Response } from './response.js';

type ValueOf<C extends string> = C extends 'int' | 'float' | `int(${string})` | `float(${string})` ? number : string;

/**
 * The view arguments of a rule, read off the rule string:
 * `ParamsOf<'/post/<int:id>/<slug>'>` is `{ id: number; slug: string }`.
 */
export type ParamsOf<R extends string> = string extends R
  ? Record<string, unknown>
  : R extends `${string}<${infer Inner}>${infer Rest}`
    ? (Inner extends `${infer Conv}:${infer Name}` ? { [K in Name]: ValueOf<Conv> } : { [K in Inner]: string }) & ParamsOf<Rest>
    : Record<string, unknown>;

/** A view function: it gets the URL's converted values and the request context. */
export type Handler<P = Record<string, unknown>> = (params: P, ctx: RequestContext) => MaybePromise<ResponseReturnValue>;

/** Runs before the view; returning a value other than undefined/null stops the request with that response. */
export type BeforeRequestHook = (ctx: RequestContext) => MaybePromise<ResponseReturnValue | void | null | undefined>;
/** Runs after the view with its response; may return a replacement. */
export type AfterRequestHook = (response: Response, ctx: RequestContext) => MaybePromise<Response | void | undefined>;
/** Runs when the request ends, always; gets the unhandled error, if any. */
export type TeardownHook = (error: unknown, ctx: RequestContext) => MaybePromise<void>;
/** Turns an error into a response. */
export type ErrorHandler<E = unknown> = (error: E, ctx: RequestContext) => MaybePromise<ResponseReturnValue>;

export interface RouteOptions {
  /** Default `['GET']`; GET brings HEAD, and OPTIONS is answered automatically. */
  methods?: readonly string[];
  /** Default: the handler's name (the rule itself for anonymous functions). */
  endpoint?: string;
  /** Default true: `/docs` redirects to `/docs/` when the rule ends in a slash. */
  strictSlashes?: boolean;
  /** Values passed to the view when the URL does not carry them. */
  defaults?: Record<string, unknown>;
  /** Default true unless `methods` lists OPTIONS. */
  provideAutomaticOptions?: boolean;
}

/**
 * What `app.route()` returns: call it with a function, or use it as a
 * TypeScript 5 decorator on a (static or instance) class method.
 */
export interface RouteDecorator<P> {
  <F extends Handler<P>>(handler: F): F;
  <F extends Handler<P>>(method: F, context: ClassMethodDecoratorContext): F;
}
