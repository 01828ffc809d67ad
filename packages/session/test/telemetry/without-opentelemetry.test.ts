/**
 * An app without the optional @opentelemetry/api: sessions, the lifecycle
 * signals and the telemetry calls stores make all work, and nothing is
 * wrapped. Runs in a child process whose `require('@opentelemetry/api')`
 * fails, as in a real install without it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const preload = fileURLToPath(new URL('../fixtures/hide-opentelemetry.cjs', import.meta.url));
const script = fileURLToPath(new URL('../fixtures/without-opentelemetry.ts', import.meta.url));

describe('sessions without @opentelemetry/api', () => {
  it('work, send their events and wrap nothing', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', preload, '--import', 'tsx', script], {
      cwd: packageDir, // tsx reads the package's tsconfig, whose paths point @micro/core at the sources
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      api: 'not loaded',
      storeUnwrapped: true,
      memory: '2',
      cookie: '2',
      events: ['sessionCreated memory', 'sessionCreated cookie'],
    });
  }, 30_000);
});
