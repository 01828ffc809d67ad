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

/** A blueprint registered on this one (Flask 2's nested blueprints). */
export interface NestedBlueprint {
  blueprint: Blueprint;
  /** Overrides the child's own prefix; joined under the parent's. */
  urlPrefix: string | undefined;
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
  // A blueprint nested under two parents sits twice on one app, under two names.
  private readonly mounts = new Map<App, Mount[]>();

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
  registerBlueprint(child: Blueprint, options: { urlPrefix?: string } = {}): void {
    if (child === this) throw new Error(`Cannot register the blueprint '${this.name}' on itself.`);
    if (this.mounts.size) {
      throw new Error(`The blueprint '${this.name}' is already registered on an app: nest '${child.name}' in it before that.`);
    }
    if (this.children.some((c) => c.blueprint.name === child.name)) {
      throw new Error(`The blueprint '${this.name}' already has a nested blueprint named '${child.name}'.`);
    }
    this.children.push({ blueprint: child, urlPrefix: options.urlPrefix });
  }

  /** Called by `app.registerBlueprint`; use that instead. */
  registeredOn(app: App, name: string, urlPrefix: string): void {
    const mounts = this.mounts.get(app);
    if (mounts) mounts.push({ name, urlPrefix });
    else this.mounts.set(app, [{ name, urlPrefix }]);
  }
}

/** `child` (a nested blueprint's prefix, or a rule) under `parent`, with one slash between them, as Flask joins them. */
export function joinUrlPrefix(parent: string, child: string): string {
  if (!parent) return child;
  if (!child) return parent;
  return `${parent.replace(/\/+$/, '')}/${child.replace(/^\/+/, '')}`;
}
