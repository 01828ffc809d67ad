/**
 * The config keys @micro/session adds to `app.config`. Importing the package
 * defines them, so `app.config.SESSION_TYPE` is typed and validated like
 * Flask's own keys. (Server-side stores define theirs beside their code.)
 */
import { Config } from '@micro/core';
import { JWE_ENCRYPTIONS, type JweEncryption } from './content-cipher.js';
import { DEFAULT_DECRYPT_CACHE_SIZE } from './jwe.js';
import { ABSOLUTE_LIFETIME_KEY_SPEC } from './absolute-lifetime-config.js';
import { DEFAULT_MAX_CHUNKS, MAX_COOKIE_CHUNKS } from './cookie-chunks.js';

/** Built-in session types; a store package adds more with `registerSessionType`. */
export type SessionType = 'cookie' | 'encrypted-cookie' | (string & {});

declare module '@micro/core' {
  interface ConfigValues {
    /**
     * Which session interface `sessions(app)` installs: `'cookie'` (signed,
     * Flask-compatible), `'encrypted-cookie'` (JWE), or a registered
     * server-side type. Default: `'cookie'`.
     */
    SESSION_TYPE: SessionType;
    /**
     * Content encryption of new encrypted-cookie sessions (JWE `enc`):
     * `'A256GCM'` (node:crypto) or `'XC20P'` (XChaCha20-Poly1305, needs the
     * optional package sodium-native; about 3 µs faster per request). Both are
     * read, so a switch logs nobody out. Default: `'A256GCM'`.
     */
    SESSION_ENCRYPTION: JweEncryption;
    /**
     * How many recently decrypted encrypted-cookie sessions each app remembers,
     * so a cookie the browser sends again is not decrypted again (its age is
     * still checked on every request). 0 turns it off. Default: 1000.
     */
    SESSION_DECRYPT_CACHE_SIZE: number;
    /**
     * However active, no session (cookie or server-side) lives longer than
     * this many seconds from its creation; `{ hours: 8 }` is also accepted.
     * PERMANENT_SESSION_LIFETIME with SESSION_REFRESH_EACH_REQUEST is the idle
     * limit; this is the absolute one. `null` turns it off. Default: `null`.
     */
    SESSION_ABSOLUTE_LIFETIME: number | null;
    /**
     * Split a cookie session larger than MAX_COOKIE_SIZE over numbered
     * cookies (`session=__chunked__3`, `session.1`…`session.3`), joined again
     * on reading, instead of failing (development) or warning (production).
     * Default: false.
     */
    SESSION_COOKIE_CHUNKING: boolean;
    /**
     * Most cookies one chunked session may be written as (1 to 16). Every chunk
     * comes back in each request's `Cookie` header: 3 full chunks (about
     * 12 KiB) fit Node's default 16 KiB for all request headers; raise both
     * together (`listen`'s `maxHeaderSize`). Reading accepts up to 16 whatever
     * this says. Default: 3.
     */
    SESSION_COOKIE_MAX_CHUNKS: number;
  }
}

export const DEFAULT_SESSION_TYPE = 'cookie';

Config.defineKey('SESSION_TYPE', {
  default: DEFAULT_SESSION_TYPE,
  check: (v) => (typeof v === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(v) ? null : "a session type name such as 'cookie'"),
  env: 'string',
});

Config.defineKey('SESSION_ENCRYPTION', {
  default: 'A256GCM',
  check: (v) => (JWE_ENCRYPTIONS.includes(v as JweEncryption) ? null : `one of ${JWE_ENCRYPTIONS.map((e) => `'${e}'`).join(', ')}`),
  env: 'string',
});

Config.defineKey('SESSION_DECRYPT_CACHE_SIZE', {
  default: DEFAULT_DECRYPT_CACHE_SIZE,
  check: (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'a whole number ≥ 0 (0 turns the cache off)'),
  env: 'integer',
});

Config.defineKey('SESSION_ABSOLUTE_LIFETIME', ABSOLUTE_LIFETIME_KEY_SPEC);
Config.defineKey('SESSION_COOKIE_CHUNKING', {
  default: false,
  check: (v) => (typeof v === 'boolean' ? null : 'a boolean'),
  env: 'boolean',
});

Config.defineKey('SESSION_COOKIE_MAX_CHUNKS', {
  default: DEFAULT_MAX_CHUNKS,
  check: (v) => (Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_COOKIE_CHUNKS ? null : `a whole number from 1 to ${MAX_COOKIE_CHUNKS}`),
  env: 'integer',
});
