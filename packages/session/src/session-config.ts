/**
 * The config keys @micro/session adds to `app.config`. Importing the package
 * defines them, so `app.config.SESSION_TYPE` is typed and validated like
 * Flask's own keys. (Server-side stores define theirs beside their code.)
 */
import { Config } from '@micro/core';

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
  }
}

export const DEFAULT_SESSION_TYPE = 'cookie';

Config.defineKey('SESSION_TYPE', {
  default: DEFAULT_SESSION_TYPE,
  check: (v) => (typeof v === 'string' && /^[a-z0-9][a-z0-9_-]*$/.test(v) ? null : "a session type name such as 'cookie'"),
  env: 'string',
});
