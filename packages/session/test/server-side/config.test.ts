import { App, Config, ConfigError, DEFAULT_CONFIG } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { session, sessions, sessionTypes } from '../../src/index.js';
import { SERVER_SIDE_SESSION_TYPES, ServerSideSessionInterface, serverSession } from '../../src/server-side/index.js';
import { quietApp } from '../helpers.js';
import { serverSideApp } from './app.js';

describe('server-side session config', () => {
  it('has Flask-Session defaults (json and a signed id are micro\'s choices)', () => {
    expect({
      SESSION_PERMANENT: DEFAULT_CONFIG.SESSION_PERMANENT,
      SESSION_USE_SIGNER: DEFAULT_CONFIG.SESSION_USE_SIGNER,
      SESSION_KEY_PREFIX: DEFAULT_CONFIG.SESSION_KEY_PREFIX,
      SESSION_ID_LENGTH: DEFAULT_CONFIG.SESSION_ID_LENGTH,
      SESSION_SERIALIZATION_FORMAT: DEFAULT_CONFIG.SESSION_SERIALIZATION_FORMAT,
      SESSION_CLEANUP_N_REQUESTS: DEFAULT_CONFIG.SESSION_CLEANUP_N_REQUESTS,
      SESSION_REDIS: DEFAULT_CONFIG.SESSION_REDIS,
      SESSION_MEMCACHED: DEFAULT_CONFIG.SESSION_MEMCACHED,
      SESSION_MONGODB: DEFAULT_CONFIG.SESSION_MONGODB,
      SESSION_MONGODB_DB: DEFAULT_CONFIG.SESSION_MONGODB_DB,
      SESSION_MONGODB_COLLECT: DEFAULT_CONFIG.SESSION_MONGODB_COLLECT,
      SESSION_SQL: DEFAULT_CONFIG.SESSION_SQL,
      SESSION_SQL_TABLE: DEFAULT_CONFIG.SESSION_SQL_TABLE,
      SESSION_FILE_DIR: DEFAULT_CONFIG.SESSION_FILE_DIR,
      SESSION_FILE_THRESHOLD: DEFAULT_CONFIG.SESSION_FILE_THRESHOLD,
      SESSION_FILE_MODE: DEFAULT_CONFIG.SESSION_FILE_MODE,
    }).toEqual({
      SESSION_PERMANENT: true,
      SESSION_USE_SIGNER: true,
      SESSION_KEY_PREFIX: 'session:',
      SESSION_ID_LENGTH: 32,
      SESSION_SERIALIZATION_FORMAT: 'json',
      SESSION_CLEANUP_N_REQUESTS: null,
      SESSION_REDIS: null,
      SESSION_MEMCACHED: null,
      SESSION_MONGODB: null,
      SESSION_MONGODB_DB: 'micro_session',
      SESSION_MONGODB_COLLECT: 'sessions',
      SESSION_SQL: null,
      SESSION_SQL_TABLE: 'sessions',
      SESSION_FILE_DIR: null,
      SESSION_FILE_THRESHOLD: 500,
      SESSION_FILE_MODE: 0o600,
    });
  });

  it('registers every server-side SESSION_TYPE with sessions(app)', () => {
    expect(sessionTypes()).toEqual(expect.arrayContaining(['cookie', 'encrypted-cookie', ...SERVER_SIDE_SESSION_TYPES]));
  });

  it('an unknown SESSION_TYPE fails at start-up, naming the valid ones', () => {
    const app = new App({ config: { SESSION_TYPE: 'redis-cluster' } });
    const error = (() => {
      try {
        sessions(app);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const type of ['cookie', 'encrypted-cookie', ...SERVER_SIDE_SESSION_TYPES]) expect((error as Error).message).toContain(type);
  });

  it.each(['redis', 'memcached', 'mongodb'] as const)(
    'SESSION_TYPE %s without its client is served by a connection micro opens on first use (redis-from-config.test.ts)',
    async (type) => {
      const app = new App({ config: { SESSION_TYPE: type } });
      expect(sessions(app)).toBeInstanceOf(ServerSideSessionInterface);
      await app.close();
    },
  );

  it('SESSION_TYPE sql without SESSION_SQL or SESSION_SQL_URL fails at start-up naming both', () => {
    const app = new App({ config: { SESSION_TYPE: 'sql' } });
    expect(() => sessions(app)).toThrow(ConfigError);
    expect(() => sessions(app)).toThrow(/SESSION_TYPE 'sql' needs SESSION_SQL_URL .* or SESSION_SQL \(a knex instance\)/);
  });

  it('a SESSION_REDIS that is not a client fails in sessions(app) with the how-to', () => {
    const app = new App({ config: { SESSION_TYPE: 'redis', SESSION_REDIS: 'redis://127.0.0.1:6379' as never } });
    expect(() => sessions(app)).toThrow(/^SESSION_REDIS must be a connected node-redis or ioredis client .*: pass a connected client, e\.g\./);
  });

  it.each([
    ['SESSION_ID_LENGTH', 8, 'a whole number of bytes from 16 to 256'],
    ['SESSION_SERIALIZATION_FORMAT', 'pickle', "'json' or 'msgpack'"],
    ['SESSION_REDIS', { host: 'localhost' }, 'a connected node-redis or ioredis client'],
    ['SESSION_SQL', 'postgres://localhost/db', 'a knex instance'],
    ['SESSION_FILE_MODE', 0o1000, 'permission bits such as 0o600'],
    ['SESSION_CLEANUP_N_REQUESTS', 0, 'a positive integer or null'],
    ['SESSION_SQL_TABLE', 'drop table;', 'a table name'],
  ])('validate() rejects %s = %j', (key, value, expected) => {
    const config = new Config().fromObject({ [key]: value });
    expect(() => config.validate()).toThrow(expected);
  });

  it('keeps clients out of toJSON() and error messages: they carry connection secrets', () => {
    const fakeRedis = { multi() {}, del() {}, options: { password: 'hunter2' } };
    const config = new Config().fromObject({ SESSION_REDIS: fakeRedis });
    expect(JSON.stringify(config.toJSON())).not.toContain('hunter2');
    const broken = new Config().fromObject({ SESSION_REDIS: { password: 'hunter2' } });
    expect(() => broken.validate()).toThrow(/SESSION_REDIS/);
    expect(() => broken.validate()).not.toThrow(/hunter2/);
  });

  it('reads plain keys from the environment; SESSION_FILE_MODE is octal; clients cannot come from there', () => {
    const config = new Config().fromEnv('MICRO_', {
      MICRO_SESSION_FILE_MODE: '640',
      MICRO_SESSION_KEY_PREFIX: 'app1:',
      MICRO_SESSION_CLEANUP_N_REQUESTS: '100',
      MICRO_SESSION_FILE_DIR: '/var/lib/app/sessions',
    });
    expect(config.SESSION_FILE_MODE).toBe(0o640);
    expect(config.SESSION_KEY_PREFIX).toBe('app1:');
    expect(config.SESSION_CLEANUP_N_REQUESTS).toBe(100);
    expect(config.SESSION_FILE_DIR).toBe('/var/lib/app/sessions');
    expect(() => new Config().fromEnv('MICRO_', { MICRO_SESSION_REDIS: 'redis://localhost' })).toThrow(/SESSION_REDIS must be a connected node-redis/);
  });

  it('without SECRET_KEY and with the signer on, the session is the null session: reads work, writes explain', async () => {
    const app = serverSideApp((a) => void (a.config.SESSION_TYPE = 'memory'), { SECRET_KEY: null, PROPAGATE_EXCEPTIONS: false });
    const client = app.testClient();
    expect((await client.get('/')).text).toBe('anonymous');
    expect((await client.post('/set?key=k&value=v')).status).toBe(500);
    expect(app.logs.error.join('\n')).toMatch(/no secret key was set/);
  });

  it('with a cookie SESSION_TYPE, regenerate() re-issues the cookie and serverSession.sid explains what to do', async () => {
    const app = quietApp({ config: { SECRET_KEY: 'k', PROPAGATE_EXCEPTIONS: false } });
    sessions(app);
    app.post('/login', function login() {
      session.regenerate();
      return 'ok';
    });
    app.get('/sid', function sid() {
      return serverSession.sid;
    });
    const client = app.testClient();
    const login = await client.post('/login');
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/^session=/);
    expect((await client.get('/sid')).status).toBe(500);
    expect(app.logs.error.join('\n')).toMatch(/serverSession\.sid needs a server-side session: set SESSION_TYPE/);
  });

  it('without SECRET_KEY and with the signer off, sessions work', async () => {
    const client = serverSideApp((a) => void (a.config.SESSION_TYPE = 'memory'), { SECRET_KEY: null, SESSION_USE_SIGNER: false }).testClient();
    await client.post('/set?key=k&value=v');
    expect((await client.get('/data')).json()).toEqual({ _permanent: true, k: 'v' });
  });
});
