/**
 * `sessions(app)`: install the session interface `app.config.SESSION_TYPE`
 * names, as Flask-Session's `Session(app)` does. Types come from a registry,
 * so a store package plugs in with `registerSessionType('redis', factory)`.
 */
import { ConfigError, type App, type SessionInterface as CoreSessionInterface } from '@micro/core';
import { EncryptedCookieSessionInterface } from './encrypted-cookie-session-interface.js';
import { getFlashedMessagesForTemplate } from './flash.js';
import type { SessionHealth } from './session-health.js';
import { SecureCookieSessionInterface } from './secure-cookie-session-interface.js';
import { DEFAULT_SESSION_TYPE, type SessionType } from './session-config.js';
import { requireSodium } from './sodium.js';

/** Builds the interface for an app, reading whatever config keys it needs. */
export type SessionInterfaceFactory = (app: App) => CoreSessionInterface;

export interface SessionsOptions {
  /** Overrides `app.config.SESSION_TYPE`. */
  type?: SessionType;
  /** Install this interface as is (your own subclass of `SessionInterface`); wins over `type`. */
  interface?: CoreSessionInterface;
}

const registry = new Map<string, SessionInterfaceFactory>();

/**
 * Make `SESSION_TYPE = name` install what `factory` builds. Registering a
 * taken name throws, unless `replace` is set (e.g. to swap a built-in).
 */
export function registerSessionType(name: string, factory: SessionInterfaceFactory, options: { replace?: boolean } = {}): void {
  if (registry.has(name) && registry.get(name) !== factory && !options.replace) {
    throw new Error(`Session type '${name}' is already registered. Pass { replace: true } to replace it.`);
  }
  registry.set(name, factory);
}

/** The registered session type names. */
export function sessionTypes(): string[] {
  return [...registry.keys()];
}

/**
 * Install the app's session interface and return it. Call it once, at start-up,
 * after the config is loaded:
 *
 * ```ts
 * app.config.SESSION_TYPE = 'encrypted-cookie';
 * sessions(app);
 * ```
 */
export function sessions(app: App, options: SessionsOptions = {}): CoreSessionInterface {
  let si = options.interface;
  if (si === undefined) {
    const type = options.type ?? app.config.SESSION_TYPE ?? DEFAULT_SESSION_TYPE;
    const factory = registry.get(type);
    if (factory === undefined) {
      throw new ConfigError(
        `Unknown SESSION_TYPE ${JSON.stringify(type)}. Known types: ${sessionTypes().join(', ')}. ` +
          'A type from another package needs that package imported first (it calls registerSessionType).',
        ['SESSION_TYPE'],
      );
    }
    si = factory(app);
  }
  app.sessionInterface = si;
  // Flask's templates call get_flashed_messages(); core never imports this package, so it is registered here.
  app.templateGlobal(getFlashedMessagesForTemplate, 'get_flashed_messages');
  app.templateGlobal(getFlashedMessagesForTemplate, 'getFlashedMessages');
  return si;
}

/**
 * The installed interface's `health()`, for a readiness route: ok for cookie
 * sessions; for a store, one read bounded by its timeout, and the state of its
 * circuit breaker.
 *
 * ```ts
 * app.get('/ready', async function ready() {
 *   const health = await sessions.health(app);
 *   return [health, health.ok ? 200 : 503];
 * });
 * ```
 */
sessions.health = function health(app: App): Promise<SessionHealth> {
  const si = app.sessionInterface as (CoreSessionInterface & { health?: () => Promise<SessionHealth> }) | null;
  if (!si) throw new Error('No session interface is installed: call sessions(app) first.');
  if (typeof si.health !== 'function') {
    throw new TypeError(`The installed session interface (${si.constructor.name}) has no health() method; extend SessionInterface from @micro/session, or add one.`);
  }
  return si.health();
};

registerSessionType('cookie', () => new SecureCookieSessionInterface());
registerSessionType('encrypted-cookie', (app) => {
  // Say it at start-up, not on the first request, when XC20P is asked for without its package.
  if (app.config.SESSION_ENCRYPTION === 'XC20P') {
    try {
      requireSodium();
    } catch (err) {
      throw new ConfigError((err as Error).message, ['SESSION_ENCRYPTION']);
    }
  }
  return new EncryptedCookieSessionInterface();
});
