/**
 * Which user a session belongs to: `session.bindUser(userId)` stores it under
 * one reserved key, `_user_binding`, in the session data itself. Keeping it in
 * the data means it travels wherever the data goes: into the cookie of a
 * cookie session, into the record of a server-side one (so `regenerate()`
 * carries it to the new id and `destroy()` takes it away), and it is readable
 * by a Flask app sharing the sessions (a plain dict of strings and numbers).
 *
 * Server-side sessions use it to keep a per-user index of sessions (list,
 * revoke, log out everywhere: server-side/user-sessions.ts). Cookie sessions
 * have nothing stored server-side to delete, so they get the honest
 * equivalent, Django's password-change invalidation: SESSION_VALID_AFTER, a
 * function the app supplies (user id → "sessions bound before this instant
 * are void"), checked when the cookie is opened. It cannot list a user's
 * devices, and it cannot end one device without ending all the others bound
 * before the same instant.
 */
import { Config, type App } from '@micro/core';

/** The session key holding the binding. Not Flask-Login's `_user_id`: the two can coexist. */
export const USER_BINDING_KEY = '_user_binding';

/** What `bindUser` stores (short field names: a cookie session carries it in every request). */
export interface UserBinding {
  /** The user id, as given to `bindUser`. */
  id: string | number;
  /** When `bindUser` ran, in ms since the epoch. */
  at: number;
  /** Server-side sessions: the last request seen, in ms, kept to within SESSION_LAST_SEEN_INTERVAL. */
  seen?: number;
  /** The user agent the app passed to `bindUser`, cut to MAX_USER_AGENT characters. */
  ua?: string;
  /** The client address the app passed to `bindUser`. */
  ip?: string;
}

export interface BindUserDetails {
  /** Shown on a "your devices" page, e.g. `request.headers.get('user-agent')`. */
  userAgent?: string | null;
  /** Shown on a "your devices" page, e.g. `request.remoteAddr`. */
  ip?: string | null;
}

/** A client picks its own user agent: keep what we store of it small. */
export const MAX_USER_AGENT = 256;
const MAX_IP = 64;

let lastBoundAt = 0;

/**
 * The binding `bindUser(userId, details)` stores at `now`; throws a TypeError
 * for an unusable id. Bind times strictly increase within a process, so "void
 * the sessions bound before this one" (SESSION_VALID_AFTER = this binding's
 * `at`) holds even when two logins fall in one millisecond.
 */
export function makeUserBinding(userId: string | number, details: BindUserDetails, now: number): UserBinding {
  if (!(typeof userId === 'string' ? userId.length > 0 : Number.isFinite(userId))) {
    throw new TypeError(`bindUser() needs a non-empty string or a finite number as the user id, got ${JSON.stringify(userId)}.`);
  }
  lastBoundAt = Math.max(now, lastBoundAt + 1);
  const binding: UserBinding = { id: userId, at: lastBoundAt };
  if (details.userAgent) binding.ua = details.userAgent.slice(0, MAX_USER_AGENT);
  if (details.ip) binding.ip = details.ip.slice(0, MAX_IP);
  return binding;
}

/** The binding in session data, or null when there is none or it is not one we wrote. */
export function userBindingOf(value: unknown): UserBinding | null {
  if (typeof value !== 'object' || value === null) return null;
  const b = value as Partial<UserBinding>;
  const idOk = (typeof b.id === 'string' && b.id.length > 0) || (typeof b.id === 'number' && Number.isFinite(b.id));
  return idOk && typeof b.at === 'number' && Number.isFinite(b.at) ? (b as UserBinding) : null;
}

/**
 * SESSION_VALID_AFTER: the instant before which the user's sessions are void
 * (a Date or ms since the epoch), or null when all are valid. Synchronous,
 * because cookie sessions open without I/O: answer from the user row your
 * app already caches, or from a small map you update on password change.
 */
export type SessionValidAfter = (userId: string) => Date | number | null | undefined;

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Cookie sessions: `(userId) => Date | ms | null`, the instant before which
     * sessions bound to that user with `bindUser` are void (e.g. the last
     * password change). Checked when the session is opened. Default: `null`.
     */
    SESSION_VALID_AFTER: SessionValidAfter | null;
  }
}

Config.defineKey('SESSION_VALID_AFTER', {
  default: null,
  check: (v) => (v === null || typeof v === 'function' ? null : 'a function (userId) => Date | number | null, or null'),
  env: () => {
    throw new Error('a function set in code (it cannot come from the environment)');
  },
  nullable: true,
});

/**
 * True when `data` is bound to a user and SESSION_VALID_AFTER says sessions
 * bound at that instant are void. Sessions that were never bound are never
 * void: the check cannot know whose they are.
 */
export function isVoidedBinding(app: App, data: Readonly<Record<string, unknown>>): boolean {
  const validAfter = app.config.SESSION_VALID_AFTER;
  if (validAfter === null || validAfter === undefined) return false;
  const binding = userBindingOf(data[USER_BINDING_KEY]);
  if (binding === null) return false;
  const after = validAfter(String(binding.id));
  if (after === null || after === undefined) return false;
  const ms = after instanceof Date ? after.getTime() : after;
  return binding.at < ms;
}
