/**
 * One value per app and key set (SECRET_KEY + SECRET_KEY_FALLBACKS), built
 * once and reused until the keys change, so requests never re-derive keys.
 * The check per request is a few identity comparisons.
 */
import type { App } from '@micro/core';
import type { SecretKey } from './derived-keys.js';

interface Entry<T> {
  secret: SecretKey;
  fallbacks: readonly SecretKey[];
  value: T;
}

const NO_FALLBACKS: readonly SecretKey[] = [];

export class KeySetCache<T> {
  private readonly entries = new WeakMap<App, Entry<T>>();

  /** `build` receives the keys newest first: SECRET_KEY, then the fallbacks in order. */
  constructor(private readonly build: (keys: readonly SecretKey[]) => T) {}

  /** The value for the app's current keys, or null when SECRET_KEY is unset or empty (Flask's `if not app.secret_key`). */
  get(app: App): T | null {
    const secret = app.config.SECRET_KEY;
    if (secret === null || secret === undefined || secret.length === 0) return null;
    const fallbacks = app.config.SECRET_KEY_FALLBACKS ?? NO_FALLBACKS;
    const entry = this.entries.get(app);
    if (entry !== undefined && entry.secret === secret && sameKeys(entry.fallbacks, fallbacks)) return entry.value;
    const copy = [...fallbacks];
    const value = this.build([secret, ...copy]);
    this.entries.set(app, { secret, fallbacks: copy, value });
    return value;
  }
}

function sameKeys(a: readonly SecretKey[], b: readonly SecretKey[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
