/**
 * Revocation (deleting sessions on purpose, e.g. every session of a user
 * after a password change) reports itself here: the `sessionRevoked` signal
 * for audit logs and the `micro.session.revocations` counter.
 */
import type { App } from '@micro/core';
import { emitSessionEvent } from './session-events.js';
import { activeTelemetry, storeAttributes } from './telemetry/session-telemetry.js';

export interface RevocationDetail {
  /** The store the sessions were deleted from, e.g. 'redis'. Default: the name of the app's session store. */
  store?: string;
  /** Why, for the audit log, e.g. 'password changed'. */
  reason?: string;
  /** Whose sessions, when they were one user's (a user id, never a session id). */
  user?: string;
  /** The revoked session's id, when it was one: the event carries only its hash. */
  sid?: string;
}

/** Report that `count` sessions were revoked; does nothing for a count of 0. */
export function recordRevocation(app: App, count: number, detail: RevocationDetail = {}): void {
  if (!(count > 0)) return;
  const store = detail.store ?? storeNameOf(app);
  activeTelemetry()?.recordRevocations(count, storeAttributes(store));
  emitSessionEvent(app, 'sessionRevoked', { ...detail, store, count });
}

/** The name of the app's session store (server-side), else 'unknown'. */
function storeNameOf(app: App): string {
  const store = (app.sessionInterface as { store?: { name?: unknown } } | null)?.store;
  return typeof store?.name === 'string' ? store.name : 'unknown';
}
