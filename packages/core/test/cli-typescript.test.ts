// A TypeScript app in a project of its own, outside this repository, run by a built CLI (issue 17):
// tsx when the project has it, else Node's type stripping (22.18+, 24), else a message asking for tsx.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);
const ASK_FOR_TSX = 'This app is TypeScript: install tsx (npm i -D tsx)';

let project: string;

/** `node micro/cli.mjs <args>` in the project; resolves with its status and output, or fails after 15 s. */
function micro(args: string[], cwd = project): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(project, 'micro', 'cli.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`micro ${args.join(' ')} hung:\n${stdout}\n${stderr}`))), 15_000);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })));
  });
}

beforeAll(async () => {
  // The CLI and @micro/core bundled into the project (one shared chunk, as one installed copy), no node_modules at all.
  project = await mkdtemp(join(tmpdir(), 'micro-ts-project-'));
  await build({
    entryPoints: { cli: join(src, 'cli.ts'), index: join(src, 'index.ts') },
    outdir: join(project, 'micro'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    // CommonJS dependencies (busboy) require node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'ts-app', private: true, type: 'module' }));
  // TypeScript's nodenext convention: the import names db.js, the file is db.ts.
  await writeFile(join(project, 'db.ts'), "export const greeting: string = 'typed';\n");
  await writeFile(
    join(project, 'app.ts'),
    [
      "import type { App as AppType } from './micro/index.mjs';",
      "import { App } from './micro/index.mjs';",
      "import { greeting } from './db.js';",
      "export const app: AppType = new App({ name: 'typed' });",
      'app.get(\'/\', function typedIndex(): string {',
      '  return greeting;',
      '});',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(project, 'decorated.ts'),
    [
      "import { App } from './micro/index.mjs';",
      'function logged<T>(value: T, _context: ClassMethodDecoratorContext): T {',
      '  return value;',
      '}',
      'class Views {',
      '  @logged index(): string {',
      "    return 'decorated';",
      '  }',
      '}',
      "export const app = new App({ name: 'decorated' });",
      "app.get('/', function decoratedIndex() {",
      '  return new Views().index();',
      '});',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('a TypeScript app without tsx in its project', { timeout: 30_000 }, () => {
  it.runIf(stripsTypes)(`Node ${process.version} strips the types, and './db.js' finds db.ts`, async () => {
    const { code, stdout, stderr } = await micro(['routes']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^typedIndex\s+GET\s+\/$/m);
  });

  it.runIf(stripsTypes)('decorators, which type stripping cannot run: the error, and a request for tsx by name', async () => {
    const { code, stderr } = await micro(['routes', '--app', 'decorated.ts']);
    expect(code).toBe(1);
    expect(stderr).toContain(`could not run ${join(project, 'decorated.ts')}`);
    expect(stderr).toContain(`${ASK_FOR_TSX} and micro runs it with tsx.`);
  });

  it.skipIf(stripsTypes)(`Node ${process.version} cannot run TypeScript: the CLI asks for tsx by name (exit 1)`, async () => {
    const { code, stderr } = await micro(['routes']);
    expect(code).toBe(1);
    expect(stderr).toBe(`Error: ${ASK_FOR_TSX} or use Node ≥ 22.18 (this is Node ${process.version}).\n`);
  });
});

describe('a TypeScript app with tsx installed in its project', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    const tsx = dirname(await realpath(createRequire(import.meta.url).resolve('tsx/package.json')));
    await mkdir(join(project, 'node_modules'), { recursive: true });
    await symlink(tsx, join(project, 'node_modules', 'tsx'), 'dir');
  });

  it('runs it through tsx, on any Node', async () => {
    const { code, stdout, stderr } = await micro(['routes']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^typedIndex\s+GET\s+\/$/m);
  });

  it('runs decorators too', async () => {
    const { code, stdout, stderr } = await micro(['routes', '--app', 'decorated.ts']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^decoratedIndex\s+GET\s+\/$/m);
  });
});
