/**
 * @micro/core and @micro/session as a user gets them: packed, installed with
 * plain npm into a new project in the temp directory that knows nothing of this
 * repository (no workspace, no store driver), then used from strict TypeScript
 * (module nodenext, and bundler resolution), from plain JavaScript and from
 * CommonJS `require()`, on the Node that runs this suite.
 *
 * The tarballs are made by `pnpm pack`, which writes `workspace:` ranges as
 * versions the way `pnpm publish` does; `npm pack` would leave
 * `"@micro/core": "workspace:^"` in @micro/session, which npm cannot install.
 * The packages' dist/ is built by the set-up (scripts/setup.mjs) before the
 * tests; it is built here only when missing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childNpmEnv } from '../../scripts/node-runtime.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rootManifest = readJson(join(root, 'package.json'));
const PNPM = rootManifest.packageManager!; // 'pnpm@10.x.y', the workspace's own
const TYPESCRIPT = rootManifest.devDependencies!.typescript!;
const TYPES_NODE = rootManifest.devDependencies!['@types/node']!;

const PACKAGES = [
  { name: '@micro/core', dir: join(root, 'packages/core') },
  { name: '@micro/session', dir: join(root, 'packages/session') },
];
// The optional peers: store drivers, sodium-native (XC20P) and @opentelemetry/api (telemetry).
const STORE_DRIVERS = ['redis', 'ioredis', 'pg', 'mysql2', 'better-sqlite3', 'knex', 'memcache-client', 'mongodb', 'sodium-native', '@opentelemetry/api'];

/** tsc with skipLibCheck: false reads all of @types/node: ~12 s on an idle machine. */
const COMPILE_TIMEOUT = 120_000;

/** Node loads ES modules from require() (20.19+, 22.12+, 24). */
const requireLoadsEsm = (process.features as { require_module?: boolean }).require_module === true;

let work: string; // temp dir: tarballs/ and app/
let app: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'micro-packaging-'));
  app = join(work, 'app');
  const tarballs = join(work, 'tarballs');
  mkdirSync(app);
  mkdirSync(tarballs);

  for (const pkg of PACKAGES) {
    if (!existsSync(join(pkg.dir, 'dist/index.js'))) {
      await run(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], pkg.dir);
    }
    await run('npx', ['--yes', PNPM, 'pack', '--pack-destination', tarballs], pkg.dir);
  }

  writeJson(join(app, 'package.json'), { name: 'micro-packaging-app', private: true, version: '1.0.0', type: 'module' });
  const tgz = readdirSync(tarballs).map((f) => join(tarballs, f));
  await run('npm', ['install', '--no-audit', '--no-fund', ...tgz, `typescript@${TYPESCRIPT}`, `@types/node@${TYPES_NODE}`], app);
}, 240_000);

afterAll(() => {
  if (work && !process.env.MICRO_KEEP_PACKAGING) rmSync(work, { recursive: true, force: true });
});

describe('the published packages', () => {
  it.each(PACKAGES)('$name: dist/ has no file left from a deleted source', ({ dir }) => {
    const orphans = filesUnder(join(dir, 'dist'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => relative(join(dir, 'dist'), f).replace(/\.js$/, '.ts'))
      .filter((f) => !existsSync(join(dir, 'src', f)));
    expect(orphans, 'rebuild from a clean dist/').toEqual([]);
  });

  it.each(PACKAGES)('$name: holds dist/, src/, README.md, LICENSE and package.json only', ({ name }) => {
    const installed = join(app, 'node_modules', name);
    const bin = name === '@micro/core' ? ['bin'] : []; // the `micro` command
    expect(readdirSync(installed).sort()).toEqual(['LICENSE', 'README.md', ...bin, 'dist', 'package.json', 'src']);
    const manifest = readJson(join(installed, 'package.json'));
    expect(manifest.license).toBe('MIT');
    expect(manifest.engines?.node).toBeTruthy();
    expect(manifest.exports?.['.']).toMatchObject({ types: './dist/index.d.ts' });
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
  });

  it.each(PACKAGES)('$name: every source map names sources that are in the package', ({ name }) => {
    const installed = join(app, 'node_modules', name);
    const missing: string[] = [];
    const maps = filesUnder(join(installed, 'dist')).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources, sourceRoot = '' } = readJson<{ sources: string[]; sourceRoot?: string }>(map);
      for (const source of sources) {
        const path = resolve(dirname(map), sourceRoot, source);
        if (!existsSync(path)) missing.push(`${relative(installed, map)} → ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares the store drivers as optional peers, installs none of them, and its declarations import none', () => {
    const session = readJson(join(app, 'node_modules/@micro/session/package.json'));
    for (const driver of STORE_DRIVERS) {
      expect(session.peerDependencies?.[driver], driver).toMatch(/^\^\d/);
      expect(session.peerDependenciesMeta?.[driver], driver).toEqual({ optional: true });
      expect(existsSync(join(app, 'node_modules', driver)), `${driver} is installed`).toBe(false);
    }
    const core = readJson(join(app, 'node_modules/@micro/core/package.json'));
    expect(Object.keys(core.dependencies ?? {})).not.toContain('tsx');
    expect(session.peerDependencies?.['@micro/core']).toBe(`^${core.version}`);

    // Every bare specifier in a published .d.ts: only node: built-ins and @micro/core may appear.
    const imported = new Set<string>();
    for (const pkg of PACKAGES) {
      for (const file of filesUnder(join(app, 'node_modules', pkg.name, 'dist')).filter((f) => f.endsWith('.d.ts'))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
          if (!m[1]!.startsWith('.')) imported.add(m[1]!);
        }
      }
    }
    expect([...imported].filter((s) => !s.startsWith('node:') && s !== '@micro/core')).toEqual([]);
  });
});

describe('a new project using them', () => {
  it('compiles a strict TypeScript app for module nodenext and runs it', async () => {
    writeFileSync(join(app, 'app.ts'), TS_APP);
    writeFileSync(join(app, 'main.cts'), CTS_APP);
    writeJson(join(app, 'tsconfig.json'), {
      compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out' },
      files: ['app.ts', 'main.cts'],
    });
    await tsc('tsconfig.json');
    const { stdout } = await run(process.execPath, ['out/app.js'], app);
    expect(JSON.parse(stdout)).toEqual({ home: [200, 'Hello, nobody'], login: [200, 'Hello, Ada'] });
    if (requireLoadsEsm) {
      // TypeScript 5.8+ compiles a CommonJS file's import of these ES modules to require() under nodenext.
      expect((await run(process.execPath, ['out/main.cjs'], app)).stdout.trim()).toBe('200 cts');
    }
  }, COMPILE_TIMEOUT);

  it('type-checks the same app with module esnext and moduleResolution bundler', async () => {
    writeFileSync(join(app, 'app.ts'), TS_APP);
    writeJson(join(app, 'tsconfig.bundler.json'), {
      compilerOptions: { ...STRICT, module: 'esnext', moduleResolution: 'bundler', noEmit: true },
      files: ['app.ts'],
    });
    await tsc('tsconfig.bundler.json');
  }, COMPILE_TIMEOUT);

  it('runs a plain JavaScript ES module app (server-side sessions in memory)', async () => {
    writeFileSync(join(app, 'plain.js'), JS_APP);
    const { stdout } = await run(process.execPath, ['plain.js'], app);
    expect(stdout.trim()).toBe('200 2');
  });

  it(`${requireLoadsEsm ? 'loads' : 'refuses, with ERR_REQUIRE_ESM,'} both packages from CommonJS require() on Node ${process.versions.node}`, async () => {
    writeFileSync(join(app, 'required.cjs'), CJS_APP);
    if (requireLoadsEsm) {
      const { stdout } = await run(process.execPath, ['required.cjs'], app);
      expect(stdout.trim()).toBe('200 from require');
    } else {
      await expect(run(process.execPath, ['required.cjs'], app)).rejects.toThrow(/ERR_REQUIRE_ESM/);
    }
  });
});

const STRICT = {
  strict: true,
  skipLibCheck: false,
  target: 'es2022',
  types: ['node'],
  noEmitOnError: true,
};

/** An app as the README shows it, with the session typed by augmentation. */
const TS_APP = `import { App, escape, redirect, request, urlFor } from '@micro/core';
import { session, sessions } from '@micro/session';

declare module '@micro/core' {
  interface SessionData {
    username?: string;
  }
}

const app = new App({ config: { SECRET_KEY: 'not a secret' } });
sessions(app);

app.get('/', function index() {
  const name: string = session.get('username') ?? 'nobody'; // a string through the augmentation, else unknown
  return \`Hello, \${escape(name)}\`;
});
app.post('/login', async function login() {
  session.set('username', (await request.form()).get('username') ?? '');
  return redirect(urlFor('index'));
});

const client = app.testClient({ followRedirects: true });
const home = await client.get('/');
const login = await client.post('/login', { form: { username: 'Ada' } });
console.log(JSON.stringify({ home: [home.status, home.text], login: [login.status, login.text] }));
`;

const CTS_APP = `import { App } from '@micro/core';
import { sessions } from '@micro/session';

const app = new App({ config: { SECRET_KEY: 'not a secret' } });
sessions(app);
app.get('/', function index() {
  return 'cts';
});
void app.testClient().get('/').then((res) => console.log(res.status, res.text));
`;

const JS_APP = `import { App } from '@micro/core';
import { session, sessions } from '@micro/session';

const app = new App({ config: { SECRET_KEY: 'not a secret', SESSION_TYPE: 'memory' } });
sessions(app);
app.get('/count', function count() {
  const n = (session.get('n') ?? 0) + 1;
  session.set('n', n);
  return String(n);
});
const client = app.testClient();
await client.get('/count');
const res = await client.get('/count');
console.log(res.status, res.text);
`;

const CJS_APP = `const { App } = require('@micro/core');
const { sessions } = require('@micro/session');

const app = new App({ config: { SECRET_KEY: 'not a secret' } });
sessions(app);
app.get('/', function index() {
  return 'from require';
});
app.testClient().get('/').then((res) => console.log(res.status, res.text));
`;

function tsc(project: string) {
  return run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', project], app);
}

/** Runs a command; on failure the error carries its output. */
function run(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, env: childNpmEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The fields of a package.json the test reads. */
interface Manifest {
  version: string;
  license?: string;
  packageManager?: string;
  engines?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readJson<T = Manifest>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
