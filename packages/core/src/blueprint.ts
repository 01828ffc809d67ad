import type { Handler, RouteOptions } from './route-types.js';
import { Scaffold } from './scaffold.js';
import type { App } from './app.js';

export interface BlueprintOptions {
  /** Prefix for every rule of the blueprint, e.g. `/auth`. */
  urlPrefix?: string;
}

interface DeferredRule {
  rule: string;
  handler: Handler<never>;
  options: RouteOptions;
}

/**
 * A group of routes, hooks and error handlers registered on an app under a
 * name and URL prefix (Flask's Blueprint). Endpoints become `name.endpoint`;
 * hooks and error handlers apply to the blueprint's own requests only.
 */
export class Blueprint extends Scaffold {
  readonly urlPrefix: string;
  /** Rules recorded until the blueprint is registered on an app. */
  readonly deferred: DeferredRule[] = [];
  private readonly apps = new Map<App, string>();

  constructor(
    readonly name: string,
    options: BlueprintOptions = {},
  ) {
    super();
    if (!name || name.includes('.')) {
      throw new TypeError(`Blueprint name ${JSON.stringify(name)} must be non-empty and must not contain a dot`);
    }
    this.urlPrefix = options.urlPrefix ?? '';
  }

  override addUrlRule(rule: string, handler: Handler<never>, options: RouteOptions = {}): void {
    if (options.endpoint?.includes('.')) {
      throw new TypeError(`Blueprint endpoint ${JSON.stringify(options.endpoint)} must not contain a dot`);
    }
    const entry = { rule, handler, options };
    this.deferred.push(entry);
    // Rules added after registration reach the apps it is registered on.
    for (const [app, prefix] of this.apps) app.addBlueprintRule(this, entry.rule, entry.handler, entry.options, prefix);
  }

  /** Called by `app.registerBlueprint`; use that instead. */
  registeredOn(app: App, urlPrefix: string): void {
    this.apps.set(app, urlPrefix);
  }
}
