/**
 * Store drivers are optional peer dependencies: micro loads the one a
 * SESSION_TYPE needs only when no client was passed in. Whether it is
 * installed is checked synchronously when `sessions(app)` runs, so a missing
 * driver fails at start-up with the command that installs it; the module
 * itself is imported on first use.
 */
import { createRequire } from 'node:module';
import { ConfigError } from '@micro/core';

/** How drivers are found and loaded; replaceable for tests. */
export interface DriverLoader {
  /** Whether the package `name` can be imported. */
  has(name: string): boolean;
  /** The package's module namespace (`import(name)`). */
  load(name: string): Promise<Record<string, unknown>>;
}

const require = createRequire(import.meta.url);

/**
 * Resolves drivers from @micro/session's own location, which finds the
 * peer dependencies installed in the user's project.
 */
export const defaultDriverLoader: DriverLoader = {
  has(name) {
    try {
      require.resolve(name);
      return true;
    } catch (err) {
      // An ESM-only package refuses `require` resolution but is there; only a missing one is missing.
      return (err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND';
    }
  },
  load: (name) => import(name) as Promise<Record<string, unknown>>,
};

/**
 * The first of `candidates` that is installed; otherwise a ConfigError on
 * `key` whose message is `${needs}: npm install …` (e.g. "SESSION_TYPE 'redis'
 * needs a Redis client: npm install redis (or ioredis)").
 */
export function requireDriver(loader: DriverLoader, candidates: readonly string[], needs: string, key: string): string {
  const found = candidates.find((name) => loader.has(name));
  if (found !== undefined) return found;
  const [first, ...others] = candidates;
  const alternatives = others.length ? ` (or ${others.join(' or ')})` : '';
  throw new ConfigError(`${needs}: npm install ${first}${alternatives}`, [key]);
}

/** Every one of `names` must be installed (knex and its dialect driver); the message lists the missing ones. */
export function requireDrivers(loader: DriverLoader, names: readonly string[], needs: string, key: string): void {
  const missing = names.filter((name) => !loader.has(name));
  if (missing.length) throw new ConfigError(`${needs}: npm install ${missing.join(' ')}`, [key]);
}
