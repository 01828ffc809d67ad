/** A missing store driver fails at start-up (sessions(app)) with the command that installs it. */
import { ConfigError } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/index.js';
import { createStore } from '../../src/server-side/index.js';
import { defaultDriverLoader, requireDriver, type DriverLoader } from '../../src/server-side/driver-loader.js';
import { quietApp } from '../helpers.js';
import { SECRET } from './app.js';

/** A loader on which `missing` cannot be resolved, as when the package is not installed. */
function without(...missing: string[]): DriverLoader {
  return {
    has: (name) => !missing.includes(name) && defaultDriverLoader.has(name),
    load: (name) => (missing.includes(name) ? Promise.reject(new Error(`Cannot find package '${name}'`)) : defaultDriverLoader.load(name)),
  };
}

function startUp(type: 'redis' | 'memcached' | 'sql' | 'mongodb', loader: DriverLoader, config: Record<string, unknown> = {}) {
  const app = quietApp({ config: { SECRET_KEY: SECRET, ...config } });
  return () => createStore(type, app, loader);
}

describe('store drivers', () => {
  it('the default loader finds installed drivers and not the ones that cannot resolve', () => {
    expect(defaultDriverLoader.has('redis')).toBe(true);
    expect(defaultDriverLoader.has('knex')).toBe(true);
    expect(defaultDriverLoader.has('micro-no-such-driver-package')).toBe(false);
  });

  it('requireDriver picks the first installed candidate, or names the install command', () => {
    expect(requireDriver(without('redis'), ['redis', 'ioredis'], 'x', 'K')).toBe('ioredis');
    expect(() => requireDriver(without('a', 'b'), ['a', 'b'], "SESSION_TYPE 'x' needs a client", 'K')).toThrow(
      "SESSION_TYPE 'x' needs a client: npm install a (or b)",
    );
  });

  it.each([
    ['redis', ['redis', 'ioredis'], {}, "SESSION_TYPE 'redis' needs a Redis client: npm install redis (or ioredis)"],
    ['memcached', ['memcache-client'], {}, "SESSION_TYPE 'memcached' needs a Memcached client: npm install memcache-client"],
    ['mongodb', ['mongodb'], {}, "SESSION_TYPE 'mongodb' needs the MongoDB driver: npm install mongodb"],
    ['sql', ['pg'], { SESSION_SQL_URL: 'postgres://127.0.0.1/test' }, "SESSION_TYPE 'sql' needs knex and pg for a postgres:// URL: npm install pg"],
    ['sql', ['knex', 'mysql2'], { SESSION_SQL_URL: 'mysql://root@127.0.0.1/test' }, "SESSION_TYPE 'sql' needs knex and mysql2 for a mysql:// URL: npm install knex mysql2"],
    ['sql', ['better-sqlite3'], { SESSION_SQL_URL: 'sqlite:///sessions.db' }, "SESSION_TYPE 'sql' needs knex and better-sqlite3 for a sqlite:// URL: npm install better-sqlite3"],
  ] as const)('SESSION_TYPE %s without %j fails at start-up with the install command', (type, missing, config, message) => {
    const create = startUp(type, without(...missing), config);
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it("SESSION_TYPE 'sql' with no client and no URL fails at sessions(app), naming both keys", () => {
    const app = quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: 'sql' } });
    expect(() => sessions(app)).toThrow(/SESSION_TYPE 'sql' needs SESSION_SQL_URL .* or SESSION_SQL \(a knex instance\)/);
  });

  it('a wrong URL is refused at start-up, naming the key', () => {
    expect(startUp('redis', defaultDriverLoader, { SESSION_REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
      'SESSION_REDIS_URL must be a URL starting with redis:// or rediss://',
    );
    expect(startUp('sql', defaultDriverLoader, { SESSION_SQL_URL: 'oracle://db/x' })).toThrow(/SESSION_SQL_URL must be a URL starting with postgres:\/\//);
    expect(startUp('memcached', defaultDriverLoader, { SESSION_MEMCACHED_SERVERS: 'localhost' })).toThrow(/SESSION_MEMCACHED_SERVERS must be 'host:port'/);
  });

  it('nothing is connected by start-up alone', async () => {
    const loads: string[] = [];
    const loader: DriverLoader = { has: () => true, load: (name) => (loads.push(name), defaultDriverLoader.load(name)) };
    const app = quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: 'redis' } });
    createStore('redis', app, loader);
    await app.close();
    expect(loads).toEqual([]);
  });
});
