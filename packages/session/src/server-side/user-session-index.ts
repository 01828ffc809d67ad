/**
 * The per-user index of server-side sessions, kept as one more record in the
 * session store itself, so it works on every store with nothing to migrate:
 *
 * - Record id `user-sessions:<sha256(user id), base64url>`. The ':' can never
 *   appear in a session id from a cookie (session-id.ts accepts base64url
 *   only), so no client can open the index as its session.
 * - One top-level key per session: its id hash (see `sessionIdHash`) →
 *   `{ s: sealed id, e: record expiry (ms), w: written at (ms) }`. Adding and
 *   removing entries goes through the store's `apply`, which merges per key
 *   atomically on every store (Redis MULTI on one hash, Memcached CAS, SQL
 *   versioned UPDATE, MongoDB $set/$unset, the filesystem lock), so two
 *   logins of one user never lose each other's entry.
 * - Every command touches one key. On Redis Cluster the index and the
 *   records live on different slots, and nothing needs them together: the
 *   record is the source of truth, the index only a way to find it. The index
 *   is written before the record and cleaned after it, and readers verify
 *   each entry against its record (user-sessions.ts).
 * - The index expires like a session: its lifetime is renewed on every
 *   change and always outlasts the records it names (`indexTtlMs`).
 */
import { createHash } from 'node:crypto';
import { isSessionIdHash, sessionIdHash } from '../session-id-hash.js';
import type { SessionStore } from '../stores/store.js';
import type { SessionIdSealer } from './session-id-sealer.js';

export { isSessionIdHash, sessionIdHash } from '../session-id-hash.js';

/** One session in a user's index. */
export interface UserIndexEntry {
  /** The session's id hash: what users see and what `revoke` takes. */
  readonly idHash: string;
  /** The session id, sealed (session-id-sealer.ts). */
  readonly sealed: string;
  /** When the record expires, to within SESSION_LAST_SEEN_INTERVAL (ms since the epoch). */
  readonly expiresAt: number;
  /** When this entry was last written (ms since the epoch). */
  readonly writtenAt: number;
}

/** The stored form of an entry. */
interface StoredEntry {
  s: string;
  e: number;
  w: number;
}


/** The store record id of a user's index. User ids are hashed: no emails in key names, any length fits. */
export function userIndexId(userId: string | number): string {
  return 'user-sessions:' + createHash('sha256').update(String(userId)).digest('base64url');
}

export class UserSessionIndex {
  constructor(private readonly store: SessionStore) {}

  /** Add (or refresh) the entry of `sid`, dropping the entries named by `drop` in the same write. */
  async add(
    sealer: SessionIdSealer,
    userId: string | number,
    sid: string,
    expiresAt: number,
    now: number,
    indexTtlMs: number,
    drop: readonly string[] = [],
  ): Promise<void> {
    const id = userIndexId(userId);
    const idHash = sessionIdHash(sid);
    const entry: StoredEntry = { s: sealer.seal(sid, sealContext(id, idHash)), e: expiresAt, w: now };
    await this.store.apply(id, { set: { [idHash]: entry }, delete: drop.filter((h) => h !== idHash) }, indexTtlMs);
  }

  /** Drop the entries named by `idHashes` (no-op for none). */
  async remove(userId: string | number, idHashes: readonly string[], indexTtlMs: number): Promise<void> {
    if (idHashes.length === 0) return;
    await this.store.apply(userIndexId(userId), { set: {}, delete: [...idHashes] }, indexTtlMs);
  }

  /** The user's entries as stored; unverified (their records may be gone). */
  async entries(userId: string | number): Promise<UserIndexEntry[]> {
    const data = await this.store.get(userIndexId(userId));
    if (data === null) return [];
    const entries: UserIndexEntry[] = [];
    for (const [idHash, value] of Object.entries(data)) {
      const stored = value as Partial<StoredEntry> | null;
      if (!isSessionIdHash(idHash) || typeof stored?.s !== 'string' || typeof stored.e !== 'number') continue;
      entries.push({ idHash, sealed: stored.s, expiresAt: stored.e, writtenAt: typeof stored.w === 'number' ? stored.w : 0 });
    }
    return entries;
  }

  /** The session id inside `entry`, or null when no current key opens it. */
  openSid(sealer: SessionIdSealer, userId: string | number, entry: UserIndexEntry): string | null {
    const sid = sealer.open(entry.sealed, sealContext(userIndexId(userId), entry.idHash));
    // The hash check catches nothing a valid seal would not, but costs little: never act on a mismatched id.
    return sid !== null && sessionIdHash(sid) === entry.idHash ? sid : null;
  }
}

function sealContext(indexId: string, idHash: string): string {
  return `${indexId}/${idHash}`;
}
