import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { login, serverSideApp } from './app.js';
import { runServerSideSuite, type ServerSideHarness } from './suite.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

/** A fresh session directory per suite, removed afterwards. */
async function filesystemHarness(): Promise<ServerSideHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'micro-ss-fs-'));
  return {
    type: 'filesystem',
    configure(app) {
      app.config.SESSION_FILE_DIR = dir;
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
}

runServerSideSuite('FileSystemStore', filesystemHarness, { storeName: 'filesystem' });
runUserSessionsSuite('FileSystemStore', filesystemHarness);

describe('SESSION_TYPE filesystem options', () => {
  it('writes session files with SESSION_FILE_MODE into SESSION_FILE_DIR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'micro-ss-fs-mode-'));
    try {
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'filesystem';
        a.config.SESSION_FILE_DIR = dir;
        a.config.SESSION_FILE_MODE = 0o640;
      });
      await login(app.testClient());
      const files = (await readdir(dir)).filter((f) => f.endsWith('.session'));
      expect(files).toHaveLength(1);
      expect((await stat(join(dir, files[0]!))).mode & 0o777).toBe(0o640);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('SESSION_CLEANUP_N_REQUESTS sweeps expired files every N requests', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'micro-ss-fs-clean-'));
    try {
      const app = serverSideApp((a) => {
        a.config.SESSION_TYPE = 'filesystem';
        a.config.SESSION_FILE_DIR = dir;
        a.config.SESSION_CLEANUP_N_REQUESTS = 3;
      });
      const client = app.testClient();
      for (let i = 0; i < 7; i++) await client.get('/peek');
      expect(app.store.ops.filter((op) => op === 'cleanup')).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
