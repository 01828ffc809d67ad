/**
 * Every session of a user, for server-side sessions: list them, revoke one,
 * log out everywhere. `ServerSideSessionInterface` calls this module on every
 * save of a session bound with `session.bindUser(userId)` (user-binding.ts)
 * and exposes `listForUser`, `revoke` and `revokeAllForUser`.
 *
 * The rules that make it correct on every store, Redis Cluster included:
 *
 * - The record is the source of truth; the index (user-session-index.ts)
 *   only finds records. A session is bound when its record holds the binding.
 * - Writing: the index entry first, then the record. A crash in between
 *   leaves an entry without a record, which readers skip and prune.
 * - Revoking deletes the record first: the next request of that session, on
 *   any process, finds nothing and starts an empty session. Then the entry.
 * - Reading verifies each entry against its record (still there, still bound
 *   to this user). An entry whose record is gone is pruned once it is older
 *   than a minute (a login may be between its two writes) or has expired.
 * - "Last seen" costs no write per request: a request of a bound session
 *   rewrites its binding (and index entry) only when the last one is older
 *   than SESSION_LAST_SEEN_INTERVAL. That also bounds how far a record's
 *   expiry can run ahead of its entry, so the index, given that much more
 *   lifetime, always outlives the records it names.
 *
 * A request already in flight when its session is revoked may still write
 * back the keys it changed (every store's `apply` creates a missing record),
 * as with a concurrent logout; its next request finds no user binding.
 */
import { Config, type App } from '@micro/core';
import { KeySetCache } from '../key-set-cache.js';
import type { SessionChanges, SessionData, SessionStore } from '../stores/store.js';
import { USER_BINDING_KEY, userBindingOf, type UserBinding } from '../user-binding.js';
import type { ServerSideSession } from './server-side-session.js';
import { SessionIdSealer } from './session-id-sealer.js';
import { sessionIdHash, UserSessionIndex, type UserIndexEntry } from './user-session-index.js';

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Server-side sessions bound with `bindUser`: at most one write per this
     * many seconds to record "last seen" (and keep the user's index fresh).
     * Default: `60`.
     */
    SESSION_LAST_SEEN_INTERVAL: number;
  }
}

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Server-side sessions bound with `bindUser`: most sessions one user may
     * have; a login beyond it ends that user's least recently seen session.
     * `null`: no limit. Default: `100`.
     */
    SESSION_MAX_PER_USER: number | null;
  }
}

Config.defineKey('SESSION_MAX_PER_USER', {
  default: 100,
  check: (v) => (v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1) ? null : 'a whole number ≥ 1, or null'),
  env: 'integer',
  nullable: true,
});

Config.defineKey('SESSION_LAST_SEEN_INTERVAL', {
  default: 60,
  check: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 86_400 ? null : 'a number of seconds from 0 to 86400'),
  env: 'number',
});

/** One session of a user, as `listForUser` reports it. The session id itself is never reported. */
export interface UserSessionInfo {
  /** SHA-256 of the session id, base64url, 22 characters: pass it to `revoke`. */
  idHash: string;
  /** When `bindUser` ran (the login). */
  createdAt: Date;
  /** The session's last request, to within SESSION_LAST_SEEN_INTERVAL. */
  lastSeenAt: Date;
  /** When the stored session expires unless used again, to within SESSION_LAST_SEEN_INTERVAL. */
  expiresAt: Date;
  /** What the app passed to `bindUser` as `userAgent`, else null. */
  userAgent: string | null;
  /** What the app passed to `bindUser` as `ip`, else null. */
  ip: string | null;
  /** True for the session of the request that asked. */
  current: boolean;
}

/** An entry whose record is missing is pruned once it is this old: a login may be between its two writes. */
const PRUNE_GRACE_MS = 60_000;
/** Records checked at once when listing a user with many sessions. */
const READ_CONCURRENCY = 16;

/** An entry checked against its record: live, sealed under a key we no longer have, or naming no session of this user. */
type Verified =
  | { entry: UserIndexEntry; state: 'live'; sid: string; binding: UserBinding }
  | { entry: UserIndexEntry; state: 'unopened' }
  | { entry: UserIndexEntry; state: 'gone'; stale: boolean };

export class UserSessions {
  readonly index: UserSessionIndex;
  private readonly sealers = new KeySetCache((keys) => new SessionIdSealer(keys));

  /**
   * `revoke` ends a session of a user (the interface's `revokeSession`): used
   * when a login would take the user over SESSION_MAX_PER_USER.
   */
  constructor(
    private readonly store: SessionStore,
    private readonly revoke: (app: App, userId: string | number, sid: string) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    this.index = new UserSessionIndex(store);
  }

  // --- the save path (called by ServerSideSessionInterface) -----------------

  /**
   * Before saving: when the session is bound and its "last seen" is older
   * than SESSION_LAST_SEEN_INTERVAL, rewrite the binding with a fresh one.
   * That makes the save an `apply`, which also refreshes the index entry.
   */
  refreshLastSeen(app: App, session: ServerSideSession): void {
    if (session.isNew || session.destroyPending) return;
    const binding = userBindingOf(session.toMap().get(USER_BINDING_KEY));
    if (binding === null) return;
    const now = this.now();
    if (now - (binding.seen ?? binding.at) < app.config.SESSION_LAST_SEEN_INTERVAL * 1000) return;
    session.set(USER_BINDING_KEY, { ...binding, seen: now });
  }

  /**
   * `store.set` for a new record (new session, new id): a bound one is
   * indexed first. `replacing`: the id it takes over from (`regenerate()`),
   * which does not count towards SESSION_MAX_PER_USER.
   */
  async set(app: App, sid: string, data: SessionData, ttlMs: number, replacing?: string): Promise<void> {
    const binding = userBindingOf(data[USER_BINDING_KEY]);
    if (binding !== null) await this.addEntry(app, binding, sid, ttlMs, true, replacing);
    await this.store.set(sid, data, ttlMs);
  }

  /** `store.apply`: a (re)bound session is indexed first; an unbound or rebound one leaves its former user's index after. */
  async apply(app: App, session: ServerSideSession, sid: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    const former = session.boundUserAtOpen;
    const setsBinding = Object.hasOwn(changes.set, USER_BINDING_KEY);
    const next = setsBinding ? userBindingOf(changes.set[USER_BINDING_KEY]) : changes.delete.includes(USER_BINDING_KEY) ? null : former;
    if (setsBinding && next !== null) await this.addEntry(app, next, sid, ttlMs, !sameUser(former, next));
    await this.store.apply(sid, changes, ttlMs);
    if (former !== null && !sameUser(former, next)) await this.index.remove(former.id, [sessionIdHash(sid)], this.indexTtlMs(app));
  }

  /** `store.destroy` (logout, emptied session, the old id of a regenerated one): the record goes, then its entry. */
  async destroy(app: App, session: ServerSideSession, sid: string): Promise<void> {
    await this.store.destroy(sid);
    const former = session.boundUserAtOpen;
    if (former !== null) await this.index.remove(former.id, [sessionIdHash(sid)], this.indexTtlMs(app));
  }

  // --- reading and revoking ---------------------------------------------------

  /** The user's live sessions, most recently seen first; prunes entries whose records are gone. */
  async list(app: App, userId: string | number, currentSid: string | null): Promise<UserSessionInfo[]> {
    const verified = await this.verifiedEntries(app, userId);
    const out: UserSessionInfo[] = [];
    for (const v of verified) {
      if (v.state !== 'live') continue;
      const b = v.binding;
      out.push({
        idHash: v.entry.idHash,
        createdAt: new Date(b.at),
        lastSeenAt: new Date(b.seen ?? b.at),
        expiresAt: new Date(v.entry.expiresAt),
        userAgent: b.ua ?? null,
        ip: b.ip ?? null,
        current: v.sid === currentSid,
      });
    }
    return out.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime() || a.idHash.localeCompare(b.idHash));
  }

  /**
   * The ids of the user's live sessions that `select` picks (by id hash), for
   * the interface to revoke one by one. Pruning happens on the way.
   */
  async sessionIds(app: App, userId: string | number, select: (idHash: string) => boolean): Promise<string[]> {
    const verified = await this.verifiedEntries(app, userId);
    return verified.flatMap((v) => (v.state === 'live' && select(v.entry.idHash) ? [v.sid] : []));
  }

  /** The id of the user's live session named by `idHash`, or null: one index read and one record read. */
  async sessionId(app: App, userId: string | number, idHash: string): Promise<string | null> {
    const entry = (await this.index.entries(userId)).find((e) => e.idHash === idHash);
    if (entry === undefined) return null;
    const v = await this.verify(app, userId, entry, this.sealer(app), this.now());
    if (v.state === 'gone' && v.stale) await this.index.remove(userId, [idHash], this.indexTtlMs(app));
    return v.state === 'live' ? v.sid : null;
  }

  /** Remove the index entry of `sid` (after its record was deleted). */
  async forget(app: App, userId: string | number, sid: string): Promise<void> {
    await this.index.remove(userId, [sessionIdHash(sid)], this.indexTtlMs(app));
  }

  /**
   * How long the index lives after each change: the longest a record can
   * live (its TTL, plus up to SESSION_LAST_SEEN_INTERVAL of touches since its
   * entry was written) and a margin for clocks and slow writes.
   */
  indexTtlMs(app: App, recordTtlMs = 0): number {
    const lifetime = Math.max(recordTtlMs, app.config.PERMANENT_SESSION_LIFETIME * 1000, 1000);
    return lifetime + 2 * app.config.SESSION_LAST_SEEN_INTERVAL * 1000 + 60_000;
  }

  /**
   * Index `sid` for the binding's user. On a login (`fresh`) the same write
   * drops the entries whose records have surely expired, and beyond
   * SESSION_MAX_PER_USER the least recently seen sessions are revoked first:
   * the index of a user who logs in often stays small.
   */
  private async addEntry(app: App, binding: UserBinding, sid: string, ttlMs: number, fresh: boolean, replacing?: string): Promise<void> {
    const now = this.now();
    const sealer = this.sealer(app);
    const drop: string[] = [];
    if (fresh) {
      const mine = new Set([sid, replacing ?? sid].map(sessionIdHash));
      const others = (await this.index.entries(binding.id)).filter((e) => !mine.has(e.idHash));
      // A record can outlive its entry's expiry by up to one interval of touches.
      const slack = app.config.SESSION_LAST_SEEN_INTERVAL * 1000;
      const live: UserIndexEntry[] = [];
      for (const e of others) {
        if (e.expiresAt + slack <= now) drop.push(e.idHash);
        else live.push(e);
      }
      const max = app.config.SESSION_MAX_PER_USER;
      if (max !== null && live.length >= max) {
        const oldest = live.sort((a, b) => a.writtenAt - b.writtenAt).slice(0, live.length - max + 1);
        for (const entry of oldest) {
          const old = this.index.openSid(sealer, binding.id, entry);
          if (old !== null) await this.revoke(app, binding.id, old);
          else drop.push(entry.idHash);
        }
      }
    }
    await this.index.add(sealer, binding.id, sid, now + ttlMs, now, this.indexTtlMs(app, ttlMs), drop);
  }

  /** Each entry checked against its record; entries that name nothing live are pruned in one write. */
  private async verifiedEntries(app: App, userId: string | number): Promise<Verified[]> {
    const entries = await this.index.entries(userId);
    if (entries.length === 0) return [];
    const sealer = this.sealer(app);
    const now = this.now();
    const verified = await mapLimited(entries, READ_CONCURRENCY, (entry) => this.verify(app, userId, entry, sealer, now));
    const unopened = verified.filter((v) => v.state === 'unopened').length;
    if (unopened > 0) {
      app.logger.warn(
        `[session] ${unopened} entr${unopened === 1 ? 'y' : 'ies'} of a user's session index could not be opened with SECRET_KEY ` +
          'or SECRET_KEY_FALLBACKS; keep a rotated key in SECRET_KEY_FALLBACKS for PERMANENT_SESSION_LIFETIME.',
      );
    }
    const stale = verified.flatMap((v) => (v.state === 'gone' && v.stale ? [v.entry.idHash] : []));
    await this.index.remove(userId, stale, this.indexTtlMs(app));
    return verified;
  }

  /** One entry checked against its record. */
  private async verify(app: App, userId: string | number, entry: UserIndexEntry, sealer: SessionIdSealer, now: number): Promise<Verified> {
    const sid = this.index.openSid(sealer, userId, entry);
    if (sid === null) {
      // Sealed under a key no longer configured: kept until its record has surely expired.
      const surelyExpired = entry.expiresAt + app.config.SESSION_LAST_SEEN_INTERVAL * 1000 <= now;
      return surelyExpired ? { entry, state: 'gone', stale: true } : { entry, state: 'unopened' };
    }
    const binding = userBindingOf((await this.store.get(sid))?.[USER_BINDING_KEY]);
    if (binding !== null && String(binding.id) === String(userId)) return { entry, state: 'live', sid, binding };
    return { entry, state: 'gone', stale: entry.expiresAt <= now || now - entry.writtenAt >= PRUNE_GRACE_MS };
  }

  /** The sealer for the app's keys; binding users to server-side sessions needs SECRET_KEY. */
  private sealer(app: App): SessionIdSealer {
    const sealer = this.sealers.get(app);
    if (sealer === null) {
      throw new Error(
        'session.bindUser() with server-side sessions needs SECRET_KEY: the per-user index stores session ids sealed with a key derived from it.',
      );
    }
    return sealer;
  }
}

function sameUser(a: UserBinding | null, b: UserBinding | null): boolean {
  return a !== null && b !== null && String(a.id) === String(b.id);
}

/** `fn` over `items` with at most `limit` running at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
