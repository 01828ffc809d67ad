/**
 * SESSION_ABSOLUTE_LIFETIME from the environment: through sessionStoreFromEnv
 * under a fake clock, and through the real entry point (the cookie's Expires).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.js';
import { sessionStoreFromEnv } from '../src/session-store-from-env.js';

const dir = mkdtempSync(join(tmpdir(), 'micro-example-absolute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

describe('SESSION_ABSOLUTE_LIFETIME in examples/server-side', () => {
  it('logs the user out an hour after login, though they click every five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 9) });
    const setup = await sessionStoreFromEnv({ SESSION_TYPE: 'memory', SESSION_ABSOLUTE_LIFETIME: '3600' });
    expect(setup.config.SESSION_ABSOLUTE_LIFETIME).toBe(3600);
    const client = createApp('example test key', setup).testClient({ followRedirects: true });
    expect((await client.post('/login', { form: { username: 'ada' } })).text).toBe('Logged in as ada');
    for (let minutes = 5; minutes < 60; minutes += 5) {
      vi.setSystemTime(Date.now() + 5 * 60_000);
      expect((await client.get('/')).text, `after ${minutes} minutes`).toBe('Logged in as ada');
    }
    vi.setSystemTime(Date.now() + 5 * 60_000);
    expect((await client.get('/')).text).toBe('You are not logged in');
    // Logging in again starts a new hour.
    expect((await client.post('/login', { form: { username: 'ada' } })).text).toBe('Logged in as ada');
  });

  it('is off when unset, and a value that is not whole seconds stops the start with a message', async () => {
    expect((await sessionStoreFromEnv({ SESSION_TYPE: 'memory' })).config.SESSION_ABSOLUTE_LIFETIME).toBeUndefined();
    await expect(sessionStoreFromEnv({ SESSION_TYPE: 'memory', SESSION_ABSOLUTE_LIFETIME: '8h' })).rejects.toThrow(
      'SESSION_ABSOLUTE_LIFETIME must be a whole number of seconds greater than 0 (e.g. 28800 for 8 hours); got "8h".',
    );
  });

  it('npx micro-server-side reads it: the session cookie expires at the limit, not after 31 days', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const tsconfig = fileURLToPath(new URL('../../../packages/session/tsconfig.json', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: tsconfig,
        SESSION_TYPE: 'filesystem',
        SESSION_FILE_DIR: join(dir, 'main'),
        SESSION_ABSOLUTE_LIFETIME: '600',
        PORT: '0',
        HOST: '127.0.0.1',
        SECRET_KEY: 'absolute lifetime from the environment',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const url = line.match(/(http:\/\/[^ ]+\/)/)![1]!;
      const before = Date.now();
      const login = await fetch(new URL('login', url), { method: 'POST', body: new URLSearchParams({ username: 'grace' }), redirect: 'manual' });
      const expires = Date.parse(/Expires=([^;]+)/.exec(login.headers.getSetCookie()[0]!)![1]!);
      expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 598_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 600_000);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
