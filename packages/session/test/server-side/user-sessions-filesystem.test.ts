import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUserSessionsSuite } from './user-sessions-suite.js';

runUserSessionsSuite('FileSystemStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'micro-us-fs-'));
  return {
    type: 'filesystem',
    configure(app) {
      app.config.SESSION_FILE_DIR = dir;
    },
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});
