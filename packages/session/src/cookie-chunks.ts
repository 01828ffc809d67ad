/**
 * A session cookie too large for one `Set-Cookie` header, split over several
 * cookies (SESSION_COOKIE_CHUNKING). The names are h3's (unjs): the cookie
 * itself holds a marker with the count, and the chunks follow, numbered from 1:
 *
 *     session=__chunked__3; …    session.1=<first part>; …
 *     session.2=<second part>; … session.3=<last part>; …
 *
 * Joined in order, the chunks give back the one value (a signed cookie or a
 * JWE), which is then checked as a whole: a chunk changed, missing, reordered
 * or taken from another session fails its signature, so the request gets an
 * empty session. The marker is never a valid signed value (no dots), so Flask
 * just sees a bad cookie. A value that fits in one header is written
 * unchunked, byte for byte as Flask writes it. Chunks are read whether or not
 * the setting is on, so turning it off logs nobody out.
 *
 * Bounds: a marker claiming more than MAX_COOKIE_CHUNKS is ignored, so a
 * client cannot make the server join more; each chunk's header stays within
 * MAX_COOKIE_SIZE, attributes included (Werkzeug's measure); a session never
 * takes more than SESSION_COOKIE_MAX_CHUNKS chunks, so the browser's next
 * `Cookie` header stays within what the server accepts.
 */

/** The prefix of the marker value: `__chunked__<count>`. */
export const CHUNK_MARKER = '__chunked__';

/**
 * Most chunks ever read, whatever SESSION_COOKIE_MAX_CHUNKS says: 16 × about
 * 4 KiB is 64 KiB, the longest token the codecs accept.
 */
export const MAX_COOKIE_CHUNKS = 16;

/**
 * Default of SESSION_COOKIE_MAX_CHUNKS, the most chunks written. Every chunk
 * comes back in each request's `Cookie` header, and Node refuses more than
 * 16 KiB of request headers (431, before the app can even log the user out):
 * 3 full chunks are about 12 KiB, which leaves room for the other headers.
 */
export const DEFAULT_MAX_CHUNKS = 3;

const MARKER_PATTERN = /^__chunked__([1-9][0-9]?)$/;
const CHUNK_SUFFIX = /^\.([1-9][0-9]?)$/;
// What our codecs write: one byte per character, and no chunk needs quoting.
const SPLITTABLE = /^[A-Za-z0-9_.-]*$/;

/** The name of chunk `index` (from 1) of the cookie `name`: `session.1`. */
export function chunkCookieName(name: string, index: number): string {
  return `${name}.${index}`;
}

/** True when a cookie value is a chunk marker rather than a value. */
export function isChunkMarker(value: string): boolean {
  return value.startsWith(CHUNK_MARKER);
}

/**
 * The cookie `name`'s value from the request's cookies, its chunks joined
 * when it holds a marker. Null when it is absent, or when the marker is
 * malformed, claims too many chunks, or a chunk is missing or empty.
 */
export function readChunkedCookie(cookies: ReadonlyMap<string, string>, name: string): string | null {
  const value = cookies.get(name);
  if (value === undefined) return null;
  if (!isChunkMarker(value)) return value;
  const count = MARKER_PATTERN.exec(value);
  if (count === null || Number(count[1]) > MAX_COOKIE_CHUNKS) return null;
  let joined = '';
  for (let i = 1; i <= Number(count[1]); i++) {
    const chunk = cookies.get(chunkCookieName(name, i));
    if (!chunk) return null;
    joined += chunk;
  }
  return joined;
}

/**
 * The chunk numbers (1…MAX_COOKIE_CHUNKS) of `name` the browser sent, whether
 * or not the marker mentions them: the ones a new cookie does not reuse are
 * deleted when the session is saved. Empty in the usual, unchunked case.
 */
export function chunksSent(cookies: ReadonlyMap<string, string>, name: string): number[] {
  const sent: number[] = [];
  const prefix = `${name}.`;
  for (const key of cookies.keys()) {
    if (!key.startsWith(prefix)) continue;
    const m = CHUNK_SUFFIX.exec(key.slice(name.length));
    if (m !== null && Number(m[1]) <= MAX_COOKIE_CHUNKS) sent.push(Number(m[1]));
  }
  return sent.sort((a, b) => a - b);
}

/**
 * `value` cut into the fewest chunks whose `Set-Cookie` headers each take at
 * most `limit` bytes, given `tailLength`, the length of the attributes that
 * follow each value (`; HttpOnly; Path=/…`). Null when that would take more
 * than `maxChunks`, or when the value is not made of base64url and dots
 * (what the codecs write): then a character is a byte, no chunk needs quoting,
 * and cutting anywhere is safe.
 */
export function splitCookieValue(name: string, value: string, tailLength: number, limit: number, maxChunks = MAX_COOKIE_CHUNKS): string[] | null {
  if (!SPLITTABLE.test(value)) return null;
  const chunks: string[] = [];
  let at = 0;
  while (at < value.length) {
    const index = chunks.length + 1;
    if (index > maxChunks) return null;
    // `session.12=` is one byte longer than `session.1=`: measured per chunk.
    const room = limit - (chunkCookieName(name, index).length + 1) - tailLength;
    if (room <= 0) return null;
    chunks.push(value.slice(at, at + room));
    at += room;
  }
  return chunks;
}
