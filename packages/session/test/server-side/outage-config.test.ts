/**
 * The outage keys (SESSION_STORE_TIMEOUT, SESSION_BREAKER_THRESHOLD,
 * SESSION_BREAKER_COOLDOWN, SESSION_OUTAGE_READONLY): defaults, checks, the environment, what
 * `sessions(app)` builds from them, and `health()` of every interface.
 */
import { App, Config, DEFAULT_CONFIG, type Request, type Response, type SessionInterface as CoreSessionInterface } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { Session, sessions } from '../../src/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { CircuitBreakerStore, MemoryStore, ServerSideSessionInterface, StoreUnavailableError } from '../../src/server-side/index.js';
import { DEFAULT_STORE_TIMEOUT_MS } from '../../src/stores/errors.js';
import { quietApp } from '../helpers.js';

function installed(config: Record<string, unknown>): ServerSideSessionInterface {
  const app = quietApp({ config: { SECRET_KEY: 'outage config test', ...config } });
  return sessions(app) as ServerSideSessionInterface;
}

const fileDir = mkdtempSync(join(tmpdir(), 'micro-outage-config-'));
afterAll(() => rmSync(fileDir, { recursive: true, force: true }));

describe('store outage config', () => {
  it('defaults: the breaker is on (5 outages, 5 s), the read-only fallback off', () => {
    expect([DEFAULT_CONFIG.SESSION_BREAKER_THRESHOLD, DEFAULT_CONFIG.SESSION_BREAKER_COOLDOWN, DEFAULT_CONFIG.SESSION_OUTAGE_READONLY]).toEqual([5, 5, false]);
    const store = installed({ SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: fileDir }).store;
    expect(store).toBeInstanceOf(CircuitBreakerStore);
    expect([(store as CircuitBreakerStore).threshold, (store as CircuitBreakerStore).cooldownMs]).toEqual([5, 5000]);
    expect((store as CircuitBreakerStore).inner.name).toBe('filesystem');
  });

  it('sessions(app) builds the breaker from the keys; a threshold of 0 leaves the store as it is', () => {
    const config = { SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: fileDir };
    const store = installed({ ...config, SESSION_BREAKER_THRESHOLD: 2, SESSION_BREAKER_COOLDOWN: 0.5 }).store as CircuitBreakerStore;
    expect([store.threshold, store.cooldownMs]).toEqual([2, 500]);
    const unguarded = installed({ ...config, SESSION_BREAKER_THRESHOLD: 0 }).store;
    expect(unguarded).not.toBeInstanceOf(CircuitBreakerStore);
    expect(unguarded.name).toBe('filesystem');
  });

  it('puts no breaker in front of the memory store, which lives in the process and cannot be down', () => {
    expect(installed({ SESSION_TYPE: 'memory' }).store).toBeInstanceOf(MemoryStore);
  });

  it('SESSION_STORE_TIMEOUT defaults to 2 s, the stores\' own default', () => {
    expect(DEFAULT_CONFIG.SESSION_STORE_TIMEOUT).toBe(2);
    expect(DEFAULT_STORE_TIMEOUT_MS).toBe(2000);
  });

  it.each([
    ['SESSION_STORE_TIMEOUT', 0, 'a number of seconds > 0'],
    ['SESSION_STORE_TIMEOUT', '2', 'a number of seconds > 0'],
    ['SESSION_BREAKER_THRESHOLD', -1, 'a whole number ≥ 0 (0 turns the breaker off)'],
    ['SESSION_BREAKER_THRESHOLD', 2.5, 'a whole number ≥ 0'],
    ['SESSION_BREAKER_COOLDOWN', 0, 'a number of seconds > 0'],
    ['SESSION_BREAKER_COOLDOWN', '5', 'a number of seconds > 0'],
    ['SESSION_OUTAGE_READONLY', 'yes', 'a boolean'],
  ])('validate() rejects %s = %j', (key, value, expected) => {
    expect(() => new Config().fromObject({ [key]: value }).validate()).toThrow(expected);
  });

  it('reads the keys from the environment', () => {
    const config = new Config().fromEnv('MICRO_', {
      MICRO_SESSION_BREAKER_THRESHOLD: '10',
      MICRO_SESSION_BREAKER_COOLDOWN: '2.5',
      MICRO_SESSION_OUTAGE_READONLY: 'true',
      MICRO_SESSION_STORE_TIMEOUT: '0.5',
    });
    expect([config.SESSION_BREAKER_THRESHOLD, config.SESSION_BREAKER_COOLDOWN, config.SESSION_OUTAGE_READONLY, config.SESSION_STORE_TIMEOUT]).toEqual([10, 2.5, true, 0.5]);
  });
});

describe('health()', () => {
  it('a server-side interface reads from its store and reports the breaker', async () => {
    const si = installed({ SESSION_TYPE: 'memory' });
    const health = await si.health();
    expect(health).toEqual({ ok: true, store: 'memory', state: 'closed', latencyMs: expect.any(Number) });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a failing store with its error, and never creates a session', async () => {
    const store = new MemoryStore();
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      get: () => Promise.reject(new Error('disk on fire')),
    });
    expect(await new ServerSideSessionInterface(failing).health()).toMatchObject({ ok: false, store: 'memory', state: 'closed', error: 'disk on fire' });
    expect(await new ServerSideSessionInterface(store).health()).toMatchObject({ ok: true });
    expect(store.size).toBe(0);
  });

  it('goes through the breaker: answers at once while it is open, and after the cool-down is the probe that closes it', async () => {
    let now = 0;
    let down = true;
    let reached = 0;
    const memory = new MemoryStore();
    const flaky = Object.assign(Object.create(memory) as MemoryStore, {
      get: (id: string) => {
        reached++;
        return down ? Promise.reject(new StoreUnavailableError('memory', 'connection refused')) : memory.get(id);
      },
    });
    const si = new ServerSideSessionInterface(new CircuitBreakerStore(flaky, { threshold: 2, cooldownMs: 1000, clock: () => now }));
    expect(await si.health()).toMatchObject({ ok: false, state: 'closed', error: expect.stringContaining('connection refused') });
    expect(await si.health()).toMatchObject({ ok: false, state: 'open' });
    expect(await si.health()).toMatchObject({ ok: false, state: 'open', error: expect.stringContaining('circuit breaker open') });
    expect(reached).toBe(2);
    down = false;
    now += 1000;
    expect(await si.health()).toMatchObject({ ok: true, state: 'closed' });
    expect(reached).toBe(3);
  });

  it.each(['cookie', 'encrypted-cookie'])('%s sessions are always healthy', async (type) => {
    const app = quietApp({ config: { SECRET_KEY: 'k', SESSION_TYPE: type } });
    sessions(app);
    expect(await sessions.health(app)).toEqual({ ok: true, store: 'cookie', state: 'closed' });
  });

  it('sessions.health(app) explains what is missing', () => {
    const app = new App();
    expect(() => sessions.health(app)).toThrow('No session interface is installed: call sessions(app) first.');
    class Bare implements CoreSessionInterface {
      openSession(_app: App, _request: Request) {
        return new Session();
      }
      saveSession(_app: App, _session: Session, _response: Response) {}
      makeNullSession() {
        return new Session();
      }
      isNullSession() {
        return false;
      }
    }
    sessions(app, { interface: new Bare() });
    expect(() => sessions.health(app)).toThrow('The installed session interface (Bare) has no health() method');
  });
});
