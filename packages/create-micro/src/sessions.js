/**
 * What each `--sessions` choice adds to a new project: the config lines in
 * app.ts, the store driver to install, and files to keep out of git. The
 * URL keys are read by @micro/session when no client is passed in
 * (SESSION_REDIS_URL, else REDIS_URL; SESSION_SQL_URL).
 */

/** @typedef {{ config: string[], dependencies: Record<string, string>, gitignore: string[], note: string }} SessionChoice */

/** @type {Record<string, SessionChoice>} */
export const SESSION_CHOICES = {
  cookie: {
    config: [],
    dependencies: {},
    gitignore: [],
    note: 'Sessions are signed cookies (the default): nothing to run besides the app.',
  },
  memory: {
    config: ["SESSION_TYPE: 'memory',"],
    dependencies: {},
    gitignore: [],
    note: 'Sessions live in the server process (SESSION_TYPE memory): a restart logs everyone out.',
  },
  filesystem: {
    config: ["SESSION_TYPE: 'filesystem',", "SESSION_FILE_DIR: fileURLToPath(new URL('./.sessions', import.meta.url)),"],
    dependencies: {},
    gitignore: ['.sessions/'],
    note: 'Sessions are files in .sessions/ (SESSION_TYPE filesystem).',
  },
  redis: {
    config: ["SESSION_TYPE: 'redis',", "SESSION_REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',"],
    dependencies: { redis: '^6.3.1' },
    gitignore: [],
    note: 'Sessions are kept in Redis (SESSION_TYPE redis) at REDIS_URL, default redis://127.0.0.1:6379: start a Redis server first.',
  },
  sql: {
    config: ["SESSION_TYPE: 'sql',", "SESSION_SQL_URL: process.env.DATABASE_URL ?? 'sqlite://sessions.sqlite',"],
    dependencies: { knex: '^3.3.0', 'better-sqlite3': '^12.6.2' },
    gitignore: ['*.sqlite'],
    note: 'Sessions are rows in SQL through knex (SESSION_TYPE sql): SQLite in sessions.sqlite unless DATABASE_URL names another database.',
  },
};

export const SESSION_NAMES = Object.keys(SESSION_CHOICES);
