/**
 * The bytes Flask-Session 0.8 keeps for a session in Redis, Memcached, SQL and
 * MongoDB: `msgspec.msgpack.Encoder().encode(dict(session))` (flask_session/base.py,
 * MsgSpecSerializer). Reading also takes its JSON form (SESSION_SERIALIZATION_FORMAT
 * 'json'), as Flask-Session's own decoder does; its pickle fallback for records from
 * before 0.7 is never used (a pickle can run code).
 *
 * Types across the two languages:
 * - Python str, int, float, bool, None, list, dict ↔ their JS counterparts; tuples and
 *   sets arrive as arrays (msgspec writes them as msgpack arrays).
 * - bytes ↔ Uint8Array (msgpack bin).
 * - An aware datetime ↔ Date (msgpack timestamp extension; JS keeps milliseconds).
 *   A naive datetime is written by msgspec as an ISO string and stays a string.
 * - A whole JS number is written as a msgpack int: Python reads `1.0` back as `1`.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { SessionData } from '../store.js';
import { setOwn } from '../store.js';

// One of each, reused: both are synchronous, and building them per call costs more than the work.
// undefined has no Python counterpart: dropped, as JSON drops it.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/** A session as Flask-Session stores it: a msgpack map. */
export function encodeSessionBlob(data: SessionData): Buffer {
  const bytes = encoder.encode(data);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The session in a Flask-Session record, or null when the bytes are not one
 * (another program's value, a pickle from Flask-Session < 0.7, truncation): the
 * caller then treats the record as absent and never overwrites it.
 */
export function decodeSessionBlob(raw: Uint8Array): SessionData | null {
  let value: unknown;
  try {
    // A plain Uint8Array view: bin values then come out as Uint8Array, not Buffer.
    value = decoder.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  } catch {
    value = decodeJson(raw);
  }
  return isMap(value) ? ownCopy(value) : null;
}

function decodeJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return undefined;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

/** Top-level keys as own properties (a `__proto__` key from JSON stays a key). */
function ownCopy(value: Record<string, unknown>): SessionData {
  const out: SessionData = {};
  for (const key of Object.keys(value)) setOwn(out, key, value[key]);
  return out;
}
