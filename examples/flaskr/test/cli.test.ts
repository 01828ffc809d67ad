/**
 * flaskr run as a user runs it: `micro --app … init-db` (the tutorial's
 * `flask --app flaskr init-db`), `micro-flaskr init-db`, and `micro-flaskr`
 * serving over real HTTP. Child processes load the TypeScript sources with
 * tsx; this folder's tsconfig maps @micro/* to the packages' sources.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = fileURLToPath(new URL('../', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const microCli = join(root, 'packages/core/src/cli.ts');
const env = { ...process.env, TSX_TSCONFIG_PATH: join(example, 'tsconfig.json'), MICRO_APP: undefined, SECRET_KEY: 'cli-test' };

let dir: string;
let database: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flaskr-cli-'));
  database = join(dir, 'flaskr.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`timed out\n${stdout}\n${stderr}`))), 30_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

/** The tables schema.sql creates, and their row counts. */
function tables(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT COUNT(*) FROM "${n}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

/** A database as the tests' fixture makes it: schema.sql and data.sql. */
function populated(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = OFF');
  db.exec(readFileSync(join(example, 'schema.sql'), 'utf8'));
  db.exec(readFileSync(join(example, 'test/data.sql'), 'utf8'));
  db.close();
}

describe('the init-db command', () => {
  it('micro --app examples/flaskr/src/app.ts init-db: the micro CLI runs the app\'s command', async () => {
    populated(database);
    expect(tables(database)).toEqual({ post: 1, user: 2 });
    const app = `examples/flaskr/src/app.ts:createApp(${JSON.stringify({ DATABASE: database })})`;
    const r = await run([microCli, '--app', app, 'init-db']);
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'Initialized the database.\n' });
    expect(tables(database)).toEqual({ post: 0, user: 0 });
  });

  it('micro --help lists it with its description', async () => {
    const r = await run([microCli, '--app', 'examples/flaskr/src/app.ts', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/init-db\s+Clear existing data and create new tables\./);
  });

  it('micro-flaskr init-db: on the file DATABASE names', async () => {
    const r = await run(['examples/flaskr/src/main.ts', 'init-db'], { DATABASE: database });
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'Initialized the database.\n' });
    expect(tables(database)).toEqual({ post: 0, user: 0 });
  });

  it('micro-flaskr with an unknown command: usage, exit 2', async () => {
    const r = await run(['examples/flaskr/src/main.ts', 'init-bd'], { DATABASE: database });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: micro-flaskr [init-db]');
    expect(existsSync(database)).toBe(false);
  });
});

const built = existsSync(join(example, 'dist/main.js'));
describe.skipIf(!built)('the micro-flaskr bin shim (after `npm run build`)', () => {
  it('runs the built init-db', async () => {
    const r = await run([join(example, 'bin/micro-flaskr.js'), 'init-db'], { DATABASE: database });
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'Initialized the database.\n' });
    expect(tables(database)).toEqual({ post: 0, user: 0 });
  });
});

describe('micro-flaskr serving', () => {
  it('reads PORT, HOST, SECRET_KEY and DATABASE; serves pages and the stylesheet', async () => {
    populated(database);
    const child = spawn(process.execPath, ['--import', tsx, 'examples/flaskr/src/main.ts'], {
      cwd: root,
      env: { ...env, PORT: '0', HOST: '127.0.0.1', DATABASE: database },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((done) => child.once('exit', done));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /flaskr running on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) (clearTimeout(timer), resolve(m[1]!));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}; stderr: ${stderr}`)));
      });
      const index = await fetch(`${url}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('test title');
      const css = await fetch(`${url}/static/style.css`);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
      expect(await css.text()).toBe(readFileSync(join(example, 'static/style.css'), 'utf8'));
      expect(stderr).not.toMatch(/SECRET_KEY is 'dev'/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
