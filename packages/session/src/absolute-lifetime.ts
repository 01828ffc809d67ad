/**
 * SESSION_ABSOLUTE_LIFETIME, OWASP's absolute timeout: however active, a
 * session ends this long after it began. (PERMANENT_SESSION_LIFETIME with
 * SESSION_REFRESH_EACH_REQUEST is the idle timeout.)
 *
 * The creation time travels with the session under `_created`, in whole Unix
 * seconds: inside the signed or encrypted cookie payload, inside the store's
 * record. It is written only while the key is set, so other apps' cookies stay
 * byte-identical to Flask's, and it is taken out of the data when a session is
 * opened: the app sees it as `session.createdAt`, never among `keys()`.
 */
import type { App } from '@micro/core';
import type { Session } from './session.js';
import { nowSeconds } from './signer.js';
import { setOwn, type SessionChanges } from './stores/store.js';

/** Where the creation time is kept in a cookie payload or a stored record (reserved while the key is set). */
export const CREATED_KEY = '_created';

export interface OpenedData {
  data: Record<string, unknown>;
  /** Undefined for a session stored before the key was set: it gets one on its next save. */
  createdAt: number | undefined;
}

/** SESSION_ABSOLUTE_LIFETIME in seconds, or null when off. */
export function absoluteLifetime(app: App): number | null {
  return app.config.SESSION_ABSOLUTE_LIFETIME ?? null;
}

/**
 * Loaded data split from its creation time; null when the session is past
 * its absolute lifetime (open a fresh one instead). With the key off, the data
 * as loaded (a `_created` in it is then an ordinary key).
 */
export function openWithinAbsoluteLifetime(app: App, loaded: Record<string, unknown>): OpenedData | null {
  const limit = absoluteLifetime(app);
  if (limit === null || !Object.hasOwn(loaded, CREATED_KEY)) return { data: loaded, createdAt: undefined };
  const { [CREATED_KEY]: created, ...data } = loaded; // a copy: a store or cache may hand out shared objects
  // Only micro writes `_created`, signed or in the store; anything but a time counts as missing.
  const createdAt = typeof created === 'number' && Number.isSafeInteger(created) && created >= 0 ? created : undefined;
  if (createdAt !== undefined && nowSeconds() - createdAt >= limit) return null;
  return { data, createdAt };
}

/** True when the key is set and the session has no creation time yet: it must be saved to get one. */
export function needsCreatedAt(app: App, session: Session<object>): boolean {
  return session.createdAt === undefined && absoluteLifetime(app) !== null;
}

/**
 * Give the session its creation time (now) if it needs one; true when it just
 * got it, so the store must be told.
 */
export function stampCreatedAt(app: App, session: Session<object>): boolean {
  if (!needsCreatedAt(app, session)) return false;
  session.createdAt = nowSeconds();
  return true;
}

/** What to serialise or store: the data, plus `_created` while the key is set (ours wins over an app's own `_created`). */
export function withCreatedAt(app: App, session: Session<object>): ReadonlyMap<string, unknown> {
  const data = session.toMap();
  if (session.createdAt === undefined || absoluteLifetime(app) === null) return data;
  return new Map(data).set(CREATED_KEY, session.createdAt);
}

/** A delta for `store.apply`: `_created` added when it was just stamped, and never changed or removed by the app. */
export function changesWithCreatedAt(app: App, session: Session<object>, changes: SessionChanges, stamped: boolean): SessionChanges {
  if (session.createdAt === undefined || absoluteLifetime(app) === null) return changes;
  if (!stamped && !Object.hasOwn(changes.set, CREATED_KEY) && !changes.delete.includes(CREATED_KEY)) return changes;
  const set = { ...changes.set };
  setOwn(set, CREATED_KEY, session.createdAt);
  return { set, delete: changes.delete.filter((key) => key !== CREATED_KEY) };
}

/** `ms`, cut to the time left before the session's absolute limit (for cookie expiry and store TTLs). */
export function capAtAbsoluteLimit(app: App, session: Session<object>, ms: number): number {
  const limit = absoluteLifetime(app);
  if (limit === null || session.createdAt === undefined) return ms;
  return Math.min(ms, (session.createdAt + limit) * 1000 - Date.now());
}
