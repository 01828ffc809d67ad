import type { App } from './app.js';
import type { Scaffold } from './scaffold.js';
import { AppContext, RequestContext, currentAppContext } from './context.js';

export interface UrlForOptions {
  /** An absolute URL with scheme and host. Default: false inside a request, true outside. */
  external?: boolean;
  /** Appended as `#anchor`. */
  anchor?: string;
  /** Pick the rule that accepts this method when an endpoint has several. */
  method?: string;
  /** Scheme for external URLs; default the request's, or PREFERRED_URL_SCHEME. */
  scheme?: string;
}

/** Werkzeug quotes anchors keeping these characters. */
const ANCHOR_SAFE = /%(2F|3F|21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/gi;

/** Build a URL for an endpoint; see `App.urlFor`. */
export function buildUrl(
  app: App,
  ctx: AppContext | undefined,
  endpoint: string,
  values: Record<string, unknown>,
  options: UrlForOptions,
): string {
  const reqCtx = ctx instanceof RequestContext && ctx.app === app ? ctx : undefined;
  if (endpoint.startsWith('.')) {
    const blueprint = reqCtx?.request.blueprint;
    endpoint = blueprint ? `${blueprint}${endpoint}` : endpoint.slice(1);
  }
  values = injectUrlDefaults(app, endpoint, values);
  let url = app.router.build(endpoint, values, options.method ? { method: options.method } : undefined);
  const root = reqCtx ? reqCtx.request.rootPath : normalizeRoot(app.config.APPLICATION_ROOT);
  url = root + url;
  if (options.anchor !== undefined) url += '#' + encodeURIComponent(options.anchor).replace(ANCHOR_SAFE, decodeURIComponent);

  // The static route of an app with a staticHost lives on that host (Flask's static_host):
  // its URLs name it whenever the request is for another host.
  const ruleHost = endpoint === 'static' ? app.staticHost : null;
  const external = options.external ?? (!reqCtx || (ruleHost !== null && reqCtx.request.host !== ruleHost));
  if (!external) return url;
  const serverName = app.config.SERVER_NAME;
  const host = ruleHost ?? (reqCtx ? reqCtx.request.host : serverName);
  if (!host) {
    throw new Error(
      "Unable to build URLs outside an active request without 'SERVER_NAME' configured. " +
        "Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed.",
    );
  }
  const scheme = options.scheme ?? (reqCtx ? reqCtx.request.scheme : app.config.PREFERRED_URL_SCHEME);
  return `${scheme}://${host}${url}`;
}

/**
 * Flask's inject_url_defaults: the app's `urlDefaults` functions, then those
 * of the endpoint's blueprints from the outermost in (read off the endpoint,
 * so it works outside a request), on a copy of `values`.
 */
function injectUrlDefaults(app: App, endpoint: string, values: Record<string, unknown>): Record<string, unknown> {
  const scaffolds: Scaffold[] = [app];
  const names = endpoint.split('.').slice(0, -1);
  for (let i = 1; i <= names.length; i++) {
    const bp = app.blueprints.get(names.slice(0, i).join('.'));
    if (bp) scaffolds.push(bp);
  }
  if (!scaffolds.some((s) => s.urlDefaultFuncs.length)) return values;
  const copy = { ...values };
  for (const scaffold of scaffolds) {
    for (const fn of scaffold.urlDefaultFuncs) fn(endpoint, copy);
  }
  return copy;
}

function normalizeRoot(root: string): string {
  const trimmed = root.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : '/' + trimmed;
}

/** Build a URL for an endpoint of the current app (Flask's `url_for`). */
export function urlFor(endpoint: string, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
  return currentAppContext().app.urlFor(endpoint, values, options);
}
