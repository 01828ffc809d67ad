/**
 * create-micro as a user runs it: @micro/core, @micro/session and
 * @micro/templates packed with pnpm (which writes `workspace:` ranges as
 * versions, as publishing does), a project scaffolded from those tarballs and
 * installed with plain npm in the temp directory, its own `npm test` run, and
 * the app started with `micro run` to answer one request.
 *
 * The packages' dist/ is built by the set-up (scripts/setup.mjs) before the
 * tests; it is built here only when missing.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childNpmEnv } from '../../../scripts/node-runtime.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const PNPM = readJson(join(root, 'package.json')).packageManager!; // 'pnpm@10.x.y', the workspace's own
const CREATE_MICRO = join(root, 'packages/create-micro/bin/create-micro.js');
const PACKAGES = ['core', 'session', 'templates'].map((name) => join(root, 'packages', name));

let work: string; // temp dir: tarballs/ and my-app/
let tarballs: string;
let project: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'create-micro-'));
  tarballs = join(work, 'tarballs');
  project = join(work, 'my-app');
  mkdirSync(tarballs);
  for (const dir of PACKAGES) {
    if (!existsSync(join(dir, 'dist/index.js'))) {
      await run(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], dir);
    }
    await run('npx', ['--yes', PNPM, 'pack', '--pack-destination', tarballs], dir);
  }
  await run(process.execPath, [CREATE_MICRO, project, '--from', tarballs], work);
}, 240_000);

afterAll(() => {
  if (work && !process.env.MICRO_KEEP_CREATE_MICRO) rmSync(work, { recursive: true, force: true });
});

describe('create-micro my-app --from <tarballs>', () => {
  it('writes the login demo with templates, static files, a test and the scripts', () => {
    for (const file of ['app.ts', 'app.test.ts', 'tsconfig.json', '.gitignore', 'README.md', 'templates/base.html', 'templates/index.html', 'templates/login.html', 'static/style.css']) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    const manifest = readJson(join(project, 'package.json'));
    expect(manifest.type).toBe('module');
    expect(manifest.scripts).toEqual({ dev: 'micro run --debug', start: 'micro run', test: 'vitest run' });
    expect(Object.keys(manifest.dependencies)).toEqual(['@micro/core', '@micro/session', '@micro/templates']);
    for (const spec of Object.values(manifest.dependencies)) expect(spec).toMatch(/^file:.*\.tgz$/);
    expect(Object.keys(manifest.overrides ?? {})).toEqual(['@micro/core', '@micro/session', '@micro/templates']);
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/node', 'tsx', 'typescript', 'vitest']);
    const readme = readFileSync(join(project, 'README.md'), 'utf8');
    expect(readme).toContain('npm run dev');
    expect(readme).toContain('npm test');
  });

  it("passes its own tests (npm test: vitest logs in and out on micro's test client)", async () => {
    const { stdout } = await run('npm', ['test'], project);
    expect(stdout).toMatch(/Tests\s+.*2 passed/);
  }, 120_000);

  it('serves a request under micro run', async () => {
    const child = spawn(process.execPath, [join(project, 'node_modules/@micro/core/bin/micro.js'), 'run', '--port', '0'], {
      cwd: project,
      env: childNpmEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`micro run printed no URL in 30 s:\n${output}`)), 30_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const found = /Running on (http:\/\/\S+)/.exec(output);
          if (found) {
            clearTimeout(timer);
            resolveUrl(found[1]!);
          }
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`micro run exited with ${code}:\n${output}`)));
      });
      const res = await fetch(`${url}/`);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain('You are not logged in');
      expect(body).toContain('href="/static/style.css"');
      const css = await fetch(`${url}/static/style.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    } finally {
      child.kill();
    }
  }, 60_000);
});

describe('create-micro --sessions', () => {
  it.each([
    { sessions: 'redis', config: ["SESSION_TYPE: 'redis'", 'SESSION_REDIS_URL'], drivers: ['redis'] },
    { sessions: 'sql', config: ["SESSION_TYPE: 'sql'", 'SESSION_SQL_URL'], drivers: ['better-sqlite3', 'knex'] },
    { sessions: 'filesystem', config: ["SESSION_TYPE: 'filesystem'", 'SESSION_FILE_DIR'], drivers: [] },
  ])('$sessions: writes the store config and its driver, without installing (--no-install)', async ({ sessions, config, drivers }) => {
    const dir = join(work, `app-${sessions}`);
    await run(process.execPath, [CREATE_MICRO, dir, '--sessions', sessions, '--no-install'], work);
    const app = readFileSync(join(dir, 'app.ts'), 'utf8');
    for (const line of config) expect(app).toContain(line);
    const deps = Object.keys(readJson(join(dir, 'package.json')).dependencies);
    expect(deps).toEqual(['@micro/core', '@micro/session', '@micro/templates', ...drivers].sort());
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
  });

  it('refuses an unknown store and a folder that is not empty, with a message', async () => {
    await expect(run(process.execPath, [CREATE_MICRO, join(work, 'x'), '--sessions', 'mongo', '--no-install'], work)).rejects.toThrow(
      /Unknown --sessions 'mongo': choose one of cookie, memory, filesystem, redis, sql/,
    );
    await expect(run(process.execPath, [CREATE_MICRO, project, '--no-install'], work)).rejects.toThrow(/is not empty/);
  });
});

/** Runs a command; on failure the error carries its output. */
function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, env: childNpmEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

/** The fields of a package.json the test reads. */
interface Manifest {
  type?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
}

function readJson(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}
