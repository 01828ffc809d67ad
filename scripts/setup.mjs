#!/usr/bin/env node
// Brings a clone to a runnable state: pnpm (through npx), dependencies, a build,
// and, unless --no-services, the Debian packages some tests need (memcached, chromium).
//
// A second run skips what is up to date: `pnpm install` when no package.json,
// pnpm-lock.yaml or pnpm-workspace.yaml changed since the last install, the build
// when no source, tsconfig or package.json changed since the last build.
// MICRO_SETUP_FORCE=1 does everything again.
import { execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './node-runtime.mjs';
import { prepareNativeAddons, scanAddons } from './native-addons.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM = 'pnpm@10.34.8';
/** Inside node_modules, so that removing node_modules forgets the install too. */
const installStamp = join(root, 'node_modules', '.micro-install.json');
const buildStamp = join(cacheDir, 'build.json');

/**
 * @param {{ services?: boolean, bench?: boolean }} [options]
 *   services: install memcached and chromium when missing (default true);
 *   bench: install wrk, the benchmark's load generator, when missing (default false).
 */
export async function setup({ services = true, bench = false } = {}) {
  const force = process.env.MICRO_SETUP_FORCE === '1';

  const installKey = hash(installInputs());
  let stamp = readJson(installStamp);
  if (force || stamp?.key !== installKey || !existsSync(join(root, 'node_modules', '.modules.yaml'))) {
    run(`${pnpm()} install --frozen-lockfile`);
    stamp = { key: installKey, addons: scanAddons() };
    for (const file of stamp.addons.unhandled) {
      console.error(`[setup] warning: ${file} is built for one Node ABI and is not switched per Node: another Node cannot load it`);
    }
    writeFileSync(installStamp, JSON.stringify(stamp, null, 2) + '\n');
  } else {
    log('dependencies are up to date (no package.json, pnpm-lock.yaml or pnpm-workspace.yaml changed): pnpm install skipped');
  }
  // A native addon that is tied to one Node ABI goes where this Node finds its own build.
  await prepareNativeAddons('system', { addons: stamp.addons?.abi });

  const buildKey = hash(buildInputs());
  if (force || readJson(buildStamp)?.key !== buildKey || !builtOutputsExist()) {
    run(`${pnpm()} run build`);
    mkdirSync(cacheDir, { recursive: true });
    // The key was taken before the build: a source edited meanwhile is built next time.
    writeFileSync(buildStamp, JSON.stringify({ key: buildKey }) + '\n');
  } else {
    log('build is up to date (no source changed since the last build): build skipped');
  }

  const wanted = [];
  if (services) {
    if (!have('memcached')) wanted.push('memcached');
    if (!existsSync('/usr/bin/chromium')) wanted.push('chromium');
  }
  // The benchmark's load generator; without it the bench falls back to autocannon.
  if (bench && !existsSync('/usr/bin/wrk')) wanted.push('wrk');
  if (wanted.length) {
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    try {
      run(`${sudo}apt-get update -qq`);
      run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${wanted.join(' ')}`);
    } catch {
      log(`could not install ${wanted.join(', ')}: the tests that need them will say so.`);
    }
  }
}

/** The workspace's package folders, from pnpm-workspace.yaml's `packages:` list. */
function workspaceDirs() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const list = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(yaml)?.[1] ?? '';
  const dirs = [];
  for (const line of list.split('\n')) {
    const pattern = line.replace(/^\s*-\s*/, '').replace(/^['"]|['"]$/g, '').trim();
    if (!pattern) continue;
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const e of readdirSync(parent, { withFileTypes: true })) if (e.isDirectory()) dirs.push(join(parent, e.name));
    } else {
      dirs.push(join(root, pattern));
    }
  }
  return dirs.filter((d) => existsSync(join(d, 'package.json')));
}

/**
 * What `pnpm install` depends on: the lockfile and pnpm's settings, every manifest
 * (but its scripts other than the install hooks: a new `npm run` entry installs
 * nothing), the Node major (native addons are built for it) and the platform.
 */
function installInputs() {
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'].map((f) => join(root, f));
  const manifests = [root, ...workspaceDirs()].map((d) => join(d, 'package.json'));
  return [
    `${PNPM} node${process.versions.node.split('.')[0]} ${process.platform}-${process.arch}`,
    ...files.filter((f) => existsSync(f)).map((f) => `${relative(root, f)}\n${readFileSync(f, 'utf8')}`),
    ...manifests.map((f) => `${relative(root, f)}\n${JSON.stringify(withInstallScriptsOnly(readJson(f)))}`),
  ];
}

const installHooks = new Set(['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare']);
function withInstallScriptsOnly(manifest) {
  const scripts = Object.entries(manifest?.scripts ?? {}).filter(([name]) => installHooks.has(name));
  return { ...manifest, scripts: Object.fromEntries(scripts) };
}

/**
 * What the build depends on: the lockfile (the compiler's version, the types), and
 * each built package's src/, tsconfigs and package.json (path, size, mtime).
 */
function buildInputs() {
  const entries = [hash([readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')])];
  const add = (file) => {
    const s = statSync(file);
    entries.push(`${relative(root, file)} ${s.size} ${s.mtimeMs}`);
  };
  add(join(root, 'tsconfig.base.json'));
  for (const dir of builtPackages()) {
    for (const name of readdirSync(dir)) if (/^tsconfig.*\.json$|^package\.json$/.test(name)) add(join(dir, name));
    for (const file of filesUnder(join(dir, 'src'))) add(file);
  }
  return entries;
}

/** The workspace packages whose build writes dist/ from src/. */
function builtPackages() {
  return workspaceDirs().filter((d) => existsSync(join(d, 'src')) && readJson(join(d, 'package.json'))?.scripts?.build);
}

function builtOutputsExist() {
  return builtPackages().every((d) => existsSync(join(d, 'dist')) && readdirSync(join(d, 'dist')).length > 0);
}

function* filesUnder(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(path);
    else if (e.isFile()) yield path;
  }
}

function hash(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

let pnpmCommand;
/** pnpm 10 when it is on the PATH, else through npx; asked only when a step needs it. */
function pnpm() {
  pnpmCommand ??= have('pnpm') && /^10\./.test(execSync('pnpm --version').toString().trim())
    ? 'pnpm'
    : `npx --yes ${PNPM}`;
  return pnpmCommand;
}

function run(cmd, opts = {}) {
  log(cmd);
  execSync(cmd, { cwd: root, stdio: 'inherit', ...opts });
}

function log(message) {
  console.error(`[setup] ${message}`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = new Set(process.argv.slice(2));
  await setup({ services: !args.has('--no-services'), bench: args.has('--bench') });
}
