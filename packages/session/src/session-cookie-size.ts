/**
 * What happens to a session cookie larger than MAX_COOKIE_SIZE. Browsers drop
 * such a cookie silently (Chromium and Firefox refuse a name plus value over
 * 4096 bytes), so the user's change is lost without a trace; Flask only warns.
 * micro throws in development (DEBUG or TESTING), naming the size and the
 * keys that take the room, and in production logs Flask's warning and sends
 * the header anyway: MAX_COOKIE_SIZE also counts the attributes, so a header
 * slightly over it may still be kept, and one the browser refuses leaves the
 * browser's previous cookie in place, as not sending it would.
 */
import { Buffer } from 'node:buffer';
import type { App } from '@micro/core';
import type { Session } from './session.js';
import { dumps as taggedDumps } from './tagged-json.js';

/** How many of the largest keys the error names. */
const LARGEST_KEYS = 3;

/** A session's cookie would be larger than MAX_COOKIE_SIZE; thrown in development only. */
export class SessionCookieTooLarge extends Error {
  readonly code = 'MICRO_SESSION_COOKIE_TOO_LARGE';

  constructor(
    message: string,
    /** Bytes of the `Set-Cookie` header that was refused (the marker's count of chunks is not included). */
    readonly size: number,
    /** MAX_COOKIE_SIZE. */
    readonly limit: number,
    /** The session's largest top-level keys, largest first, with the bytes of their tagged JSON. */
    readonly largestKeys: ReadonlyArray<{ key: string; bytes: number }>,
  ) {
    super(message);
    this.name = 'SessionCookieTooLarge';
  }
}

/** The `Set-Cookie` header's size when it is over `limit` bytes, else null (0 turns the check off). */
export function oversize(header: string, limit: number): number | null {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: most headers are clearly small enough.
  if (!limit || header.length * 3 <= limit) return null;
  const size = Buffer.byteLength(header);
  return size > limit ? size : null;
}

/** Werkzeug's `dump_cookie` warning text. */
export function tooLargeWarning(name: string, value: string, size: number, limit: number): string {
  const valueSize = Buffer.byteLength(value);
  return (
    `The '${name}' cookie is too large: the value was ${valueSize} bytes but the header required ${size - valueSize}` +
    ` extra bytes. The final size was ${size} bytes but the limit is ${limit} bytes. Browsers may silently ignore` +
    ' cookies larger than this.'
  );
}

/** True where a too-large cookie should fail the request: DEBUG or TESTING. */
export function failsLoudly(app: App): boolean {
  return Boolean(app.config.DEBUG || app.config.TESTING);
}

/**
 * The error for a session whose cookie header is `size` bytes. `chunks` is
 * SESSION_COOKIE_MAX_CHUNKS when SESSION_COOKIE_CHUNKING is on (that many
 * were not enough), else null.
 */
export function sessionCookieTooLarge(
  name: string,
  size: number,
  limit: number,
  session: Session<object>,
  chunks: number | null,
): SessionCookieTooLarge {
  const largestKeys = largestKeysOf(session);
  const keys = largestKeys.map(({ key, bytes }) => `${JSON.stringify(key)} (${bytes} bytes)`).join(', ');
  const over =
    chunks === null
      ? `over MAX_COOKIE_SIZE (${limit} bytes)`
      : `more than SESSION_COOKIE_MAX_CHUNKS (${chunks}) chunks of MAX_COOKIE_SIZE (${limit} bytes)`;
  return new SessionCookieTooLarge(
    `The '${name}' session cookie would be ${size} bytes, ${over}; browsers would drop it silently and the` +
      ` session would not be saved. Largest keys, as JSON before compression or encryption: ${keys || 'none'}.` +
      ` Store less in the session (an id, with the data in your database), or use a server-side SESSION_TYPE` +
      (chunks === null
        ? ', or set SESSION_COOKIE_CHUNKING = true.'
        : ", or raise SESSION_COOKIE_MAX_CHUNKS together with the server's maxHeaderSize."),
    size,
    limit,
    largestKeys,
  );
}

function largestKeysOf(session: Session<object>): Array<{ key: string; bytes: number }> {
  const sizes: Array<{ key: string; bytes: number }> = [];
  for (const [key, value] of session.toMap()) {
    sizes.push({ key, bytes: Buffer.byteLength(taggedDumps(value)) });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes).slice(0, LARGEST_KEYS);
}
