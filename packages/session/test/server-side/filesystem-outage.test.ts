/**
 * The filesystem store's directory breaks under a running app. Replaced by a
 * file (a failed mount, a wrong deploy): every request answers 503 with one log
 * line and no cookie, and once the directory is back so is the session.
 * Removed (a temp-dir cleaner): the sessions in it are gone, so visitors start
 * afresh, and the next write recreates it rather than failing for good.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { login, serverSideApp, sidOf } from './app.js';
import { runOutageScenario } from './outage.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function filesystemApp() {
  const dir = await mkdtemp(join(tmpdir(), 'micro-ss-fs-outage-'));
  dirs.push(dir, `${dir}.away`);
  const app = serverSideApp((a) => {
    a.config.SESSION_TYPE = 'filesystem';
    a.config.SESSION_FILE_DIR = dir;
  });
  return { app, dir };
}

describe('server-side sessions when the session directory breaks', () => {
  it('answers 503 while the directory is a file, keeps cookie and record, and serves the same session once it is back', async () => {
    const { app, dir } = await filesystemApp();
    await runOutageScenario({
      app,
      storeName: 'filesystem',
      async cut() {
        await rename(dir, `${dir}.away`);
        await writeFile(dir, 'not a directory');
      },
      async restore() {
        await rm(dir);
        await rename(`${dir}.away`, dir);
      },
    });
  });

  it('recreates a directory removed while the app runs: the old sessions are gone, new ones are stored', async () => {
    const { app, dir } = await filesystemApp();
    const client = app.testClient();
    const before = await login(client);
    await rm(dir, { recursive: true });

    const r = await client.get('/');
    expect([r.status, r.text]).toEqual([200, 'anonymous']);
    const after = await login(client, 'bob');
    expect(after).not.toBe(before);
    expect(await app.store.inner.get(after)).toEqual({ _permanent: true, username: 'bob' });
    expect((await client.get('/')).text).toBe('bob');
    expect(sidOf(client)).toBe(after);
    expect(app.logs.error).toEqual([]);
  });
});
