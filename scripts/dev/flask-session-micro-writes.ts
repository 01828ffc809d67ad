/**
 * Development check, not a test: micro (SESSION_RECORD_FORMAT='flask-session')
 * writes a session into each real backend, then real Flask 3.1 + Flask-Session 0.8
 * (python3 with flask-session installed) reads it back through its own session
 * interface. What micro wrote and what Flask read are committed as
 * packages/session/test/fixtures/flask-session-records/micro-written.json, which
 * the tests use without Python. See that folder's README.md.
 *
 *   npx tsx scripts/dev/flask-session-micro-writes.ts [python]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '@micro/core';
import { flash, session, sessions } from '../../packages/session/src/index.js';
import { BACKENDS, microWrites as data, openBackend } from '../../packages/session/test/server-side/flask-session-backends.js';
import { tag } from '../../packages/session/test/stores/flask-session/fixtures.js';

const fixtures = new URL('../../packages/session/test/fixtures/flask-session-records/', import.meta.url);
const python = process.argv[2] ?? 'python3';
const PREFIX = 'fsfix:';
const SECRET = 'flask-session records secret';

interface Written {
  backend: string;
  sid: string;
  key: string;
  value: string;
  micro_wrote: unknown;
  where: Record<string, string | number>;
}

const written: Written[] = [];
const opened = [];
for (const name of BACKENDS) {
  const backend = await openBackend(name);
  opened.push(backend);
  const app = new App({
    config: { SECRET_KEY: SECRET, SESSION_KEY_PREFIX: PREFIX, SESSION_USE_SIGNER: false, SESSION_RECORD_FORMAT: 'flask-session', PERMANENT_SESSION_LIFETIME: 3 * 86400 },
  });
  backend.configure(app);
  sessions(app);
  app.post('/write', function write() {
    for (const [k, v] of Object.entries(data(name))) session.set(k, v);
    flash('Saved', 'success');
    return 'ok';
  });
  const client = app.testClient();
  const response = await client.post('/write');
  if (response.status !== 200) throw new Error(`${name}: micro answered ${response.status}`);
  const sid = client.cookies.get('session')!;
  const raw = await backend.raw(PREFIX + sid);
  if (!raw) throw new Error(`${name}: micro stored nothing at ${PREFIX}<sid>`);
  written.push({
    backend: name,
    sid,
    key: PREFIX + sid,
    value: raw.value.toString('base64'),
    micro_wrote: tag({ _permanent: true, ...data(name), _flashes: [['success', 'Saved']] }),
    where: backend.where,
  });
}

const handoff = join(mkdtempSync(join(tmpdir(), 'fsfix-')), 'micro-written.json');
writeFileSync(handoff, JSON.stringify({ key_prefix: PREFIX, secret_key: SECRET, records: written }, null, 2));
const run = spawnSync(python, ['make_records.py', 'verify', handoff], { cwd: fixtures, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
for (const backend of opened) await backend.teardown();
if (run.status !== 0) throw new Error(`Flask's check failed (exit ${run.status})`);
const verified = JSON.parse(run.stdout) as { versions: Record<string, string>; results: Array<{ backend: string; flask_read: unknown; ok: boolean }> };
const records = written.map((w) => {
  const result = verified.results.find((r) => r.backend === w.backend)!;
  const { where: _where, ...kept } = w;
  return { ...kept, flask_read: result.flask_read, verified_by_flask: result.ok };
});
writeFileSync(
  new URL('micro-written.json', fixtures),
  JSON.stringify(
    {
      about: 'Records micro wrote with SESSION_RECORD_FORMAT flask-session, and what real Flask-Session read from them in place (scripts/dev/flask-session-micro-writes.ts).',
      verified_with: verified.versions,
      verified_on: new Date().toISOString().slice(0, 10),
      records,
    },
    null,
    2,
  ) + '\n',
);
for (const r of records) console.log(r.backend, r.verified_by_flask ? 'Flask read it' : 'MISMATCH');
if (records.some((r) => !r.verified_by_flask)) process.exit(1);
