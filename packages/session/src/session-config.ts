/**
 * The config keys @micro/session adds to `app.config`. Importing the package
 * defines them, so `app.config.SESSION_TYPE` is typed and validated like
 * Flask's own keys. (Server-side stores define theirs beside their code.)
 */
import { Config } from '@micro/core';
import { JWE_ENCRYPTIONS, type JweEncryption } from './content-cipher.js';

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
