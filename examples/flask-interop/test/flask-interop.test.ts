import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dumpsSessionCookie, loadsSessionCookie } from '@micro/session';
import { createApp } from '../src/app.js';
import { DEFAULT_VECTORS, REPO_ROOT, checkVectors } from '../src/check-vectors.js';

describe('a micro app reads the sessions Flask set', () => {
  it('uses the shared vectors beside the repo', () => {
    expect(DEFAULT_VECTORS.endsWith('/shared/vectors/flask-session-cookies.json')).toBe(true);
  });

  it('every valid Flask cookie gives Flask\'s session; every invalid one an empty session', async () => {
    const results = await checkVectors();
    expect(results.filter((r) => r.valid).length).toBeGreaterThanOrEqual(14);
    expect(results.filter((r) => !r.valid).length).toBeGreaterThanOrEqual(5);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('writes cookies Flask reads: /set stores text under the same secret', async () => {
    const client = createApp('shared-secret').testClient();
    await client.get('/set?user=ada&lang=fr');
    const cookie = client.cookieHeaderFor('/')!.slice('session='.length);
    expect(loadsSessionCookie(cookie, 'shared-secret')).toEqual({ user: 'ada', lang: 'fr' });
    // Sorted keys, compact JSON: what Flask writes for the same data at the same second.
    const now = Math.floor(Date.now() / 1000);
    expect(dumpsSessionCookie({ user: 'ada', lang: 'fr' }, 'shared-secret', now).split('.')[0]).toBe(cookie.split('.')[0]);
  });

  it('runs as a script from the repo root and exits 0', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/flask-interop/src/check-vectors.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'packages/session/tsconfig.json' },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok {3}valid {3}plain: \{"username":"admin"\}$/m);
    expect(run.stdout).toMatch(/all \d+ vectors read as Flask wrote them/);
  });
});
