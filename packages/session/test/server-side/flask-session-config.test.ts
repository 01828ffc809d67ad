/** SESSION_RECORD_FORMAT: its default, its check, and the set-ups it refuses with a how-to. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config, ConfigError, DEFAULT_CONFIG } from '@micro/core';
import { MemcacheClient } from 'memcache-client';
import { describe, expect, it } from 'vitest';
import { session, sessions } from '../../src/index.js';
import { CircuitBreakerStore, ServerSideSessionInterface } from '../../src/server-side/index.js';
import { CachelibFileStore } from '../../src/stores/flask-session/cachelib-file-store.js';
import { quietApp } from '../helpers.js';

function appWith(config: Record<string, unknown>) {
  return quietApp({ config: { SECRET_KEY: 's', SESSION_RECORD_FORMAT: 'flask-session', ...config } });
}

describe('SESSION_RECORD_FORMAT', () => {
  it("defaults to micro's own layout", () => {
    expect(DEFAULT_CONFIG.SESSION_RECORD_FORMAT).toBe('micro');
  });

  it('validate() names the two values', () => {
    expect(() => new Config().fromObject({ SESSION_RECORD_FORMAT: 'flask' }).validate()).toThrow("'micro' or 'flask-session'");
  });

  it("builds Flask-Session's layout for the filesystem, in ./flask_session by default as Flask-Session", () => {
    const installed = sessions(appWith({ SESSION_TYPE: 'filesystem' })) as ServerSideSessionInterface;
    // Behind the circuit breaker every store built from config gets.
    expect(installed.store).toBeInstanceOf(CircuitBreakerStore);
    const store = (installed.store as CircuitBreakerStore).inner;
    expect(store).toBeInstanceOf(CachelibFileStore);
    expect((store as unknown as { dir: string }).dir).toMatch(/[/\\]flask_session$/);
  });

  it('names files with md5 for cachelib up to 0.16 (SESSION_FILE_HASH)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'micro-md5-'));
    try {
      const app = appWith({ SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: dir, SESSION_FILE_HASH: 'md5', SESSION_USE_SIGNER: false });
      sessions(app);
      app.post('/set', function set() {
        session.set('k', 1);
        return 'ok';
      });
      const client = app.testClient();
      await client.post('/set');
      const sid = client.cookies.get('session')!;
      expect(existsSync(join(dir, createHash('md5').update(`session:${sid}`).digest('hex')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validate() names the two hashes', () => {
    expect(() => new Config().fromObject({ SESSION_FILE_HASH: 'sha1' }).validate()).toThrow("'sha256' or 'md5'");
  });

  it.each([
    ['memory', { SESSION_TYPE: 'memory' }, /a memory store has nothing to share/],
    ['a memcache-client instance', { SESSION_TYPE: 'memcached', SESSION_MEMCACHED: new MemcacheClient({ server: '127.0.0.1:1' }) }, /set SESSION_MEMCACHED_SERVERS/],
    ['several memcached servers', { SESSION_TYPE: 'memcached', SESSION_MEMCACHED_SERVERS: '127.0.0.1:11211,127.0.0.1:11212' }, /exactly one memcached server/],
  ])('refuses %s with a how-to', (_, config, message) => {
    const app = appWith(config);
    expect(() => sessions(app)).toThrow(ConfigError);
    expect(() => sessions(app)).toThrow(message);
  });
});
