/**
 * A session file as Flask-Session 0.8 writes it through cachelib's FileSystemCache
 * (flask_session/filesystem, cachelib/file.py): a 4-byte unsigned expiry in Unix
 * seconds (`struct.pack("I", …)`: native order, little-endian on the x86 and ARM
 * machines this runs on; 0 = never), then `pickle.dump(dict(session))` at pickle's
 * highest protocol. The file is named by the hex hash of `SESSION_KEY_PREFIX + sid`.
 */
import { createHash } from 'node:crypto';
import type { SessionData } from '../store.js';
import { dumpPickle, loadPickle, PickleError } from './pickle.js';

/** cachelib's hash for file names: sha256 by default from cachelib 0.17 on, md5 before (cachelib PR #502). */
export type CachelibHash = 'sha256' | 'md5';

/** cachelib's names for what is not a cache entry: its item counter and files still being written. */
export const CACHELIB_COUNT_KEY = '__wz_cache_count';
export const CACHELIB_TEMP_SUFFIX = '.__wz_cache';

/** The file name cachelib gives `key`. */
export function cachelibFileName(key: string, hash: CachelibHash): string {
  return createHash(hash).update(key, 'utf8').digest('hex');
}

export interface CachelibEntry {
  /** Unix seconds after which cachelib no longer returns it; 0 = never expires. */
  expiresAtS: number;
  value: unknown;
}

/** Header + pickle. */
export function encodeCachelibFile(value: unknown, expiresAtS: number): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32LE(expiresAtS >>> 0);
  return Buffer.concat([header, dumpPickle(value)]);
}

/** The expiry alone (cachelib reads only these 4 bytes when pruning). */
export function cachelibExpiry(raw: Uint8Array): number | null {
  return raw.length < 4 ? null : Buffer.from(raw.buffer, raw.byteOffset, 4).readUInt32LE(0);
}

/** Header + pickle back; throws PickleError for a pickle micro does not read. */
export function decodeCachelibFile(raw: Uint8Array): CachelibEntry {
  const expiresAtS = cachelibExpiry(raw);
  if (expiresAtS === null) throw new PickleError('The session file is shorter than its 4-byte header.');
  return { expiresAtS, value: loadPickle(raw.subarray(4)) };
}

/** cachelib's own test: `expires == 0 or expires >= time()`. */
export function isLive(expiresAtS: number, nowMs: number): boolean {
  return expiresAtS === 0 || expiresAtS >= nowMs / 1000;
}

/** A session out of a decoded entry, or null when the value is not a dict. */
export function sessionOf(entry: CachelibEntry): SessionData | null {
  const v = entry.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as SessionData) : null;
}
