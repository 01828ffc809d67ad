#!/usr/bin/env node
// Native addons for more than one Node.js major in one node_modules.
//
// N-API addons (sodium-native's prebuilds, rolldown's and lightningcss's bindings)
// load on any Node. An addon compiled against Node's own ABI (better-sqlite3,
// built from source by node-gyp at install time) loads only on the Node whose
// NODE_MODULE_VERSION it was built for: on another it fails to load or crashes.
//
// Such addons load through the `bindings` package, which tries build/Release/
// first and lib/binding/node-v<ABI>-<platform>-<arch>/ last. So each build is
// kept side by side under lib/binding/, one per ABI, and build/Release's copy is
// moved there: every Node finds its own, and a run on one Node never swaps a
// file from under a run on another. A build for another major is made once
// with that Node and its headers, and kept in .cache/addons/ across reinstalls.
//
//   node scripts/native-addons.mjs [24|system …]   prepares the addons for those Nodes
import { execFileSync } from 'node:child_process';
import {
  copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, nodeBinary, nodeHeadersDir, childNpmEnv, normalizeMajor } from './node-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const store = join(root, 'node_modules', '.pnpm');
const tag = `${process.platform}-${process.arch}`;

/**
 * @typedef {{ name: string, version: string, dir: string, file: string }} AbiAddon
 * An addon built against one Node ABI, loaded through `bindings`: the package's
 * folder (relative to the repo) and the addon's file name.
 */

/**
 * Every *.node file under node_modules/.pnpm, sorted into N-API ones (any Node),
 * ABI-specific ones that load through `bindings` (handled here), and ABI-specific
 * ones this script cannot switch (reported: they would need the same treatment).
 */
export function scanAddons() {
  /** @type {AbiAddon[]} */ const abi = [];
  /** @type {string[]} */ const napi = [];
  /** @type {string[]} */ const unhandled = [];
  const seen = new Set();
  for (const file of walk(store)) {
    const kind = addonKind(file);
    const rel = relative(root, file);
    if (kind === 'napi') napi.push(rel);
    if (kind !== 'abi') continue;
    const pkg = packageOf(file);
    const name = basename(file);
    const viaBindings = pkg && existsSync(join(pkg.dir, 'binding.gyp')) && pkg.json.dependencies?.bindings
      && [join('build', 'Release', name), join('lib', 'binding')].some((p) => relative(pkg.dir, file).startsWith(p));
    if (!viaBindings) {
      unhandled.push(rel);
      continue;
    }
    const key = `${pkg.dir}\0${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    abi.push({ name: pkg.json.name, version: pkg.json.version, dir: relative(root, pkg.dir), file: name });
  }
  return { abi, napi, unhandled };
}

/**
 * Makes every ABI-specific addon loadable by the Node of `major` ('system', '24', …),
 * building it once with that Node when no build for its ABI exists yet.
 * @param {string | number} major
 * @param {{ addons?: AbiAddon[] }} [options] addons from an earlier scanAddons()
 */
export async function prepareNativeAddons(major, { addons } = {}) {
  const want = normalizeMajor(major);
  const bin = await nodeBinary(want);
  const abi = abiOf(bin);
  for (const addon of addons ?? scanAddons().abi) {
    const pkgDir = join(root, addon.dir);
    if (!existsSync(pkgDir)) continue;
    settleBuildRelease(addon, pkgDir);
    const target = join(pkgDir, 'lib', 'binding', `node-v${abi}-${tag}`, addon.file);
    const cached = join(cacheDir, 'addons', `${addon.name}@${addon.version}`, `node-v${abi}-${tag}`, addon.file);
    if (!existsSync(cached) && existsSync(target)) place(target, cached);
    if (!existsSync(cached)) await build(addon, pkgDir, want, bin, abi, cached);
    if (!sameBytes(target, cached)) place(cached, target);
  }
}

/**
 * Moves build/Release/<addon> (what the install built, for the installing Node)
 * to lib/binding/node-v<its ABI>-…/ and keeps a copy in the cache, so that
 * `bindings` does not stop at it on another Node.
 */
function settleBuildRelease(addon, pkgDir) {
  const built = join(pkgDir, 'build', 'Release', addon.file);
  if (!existsSync(built)) return;
  const abi = exportedAbi(built);
  if (!abi) return;
  const cached = join(cacheDir, 'addons', `${addon.name}@${addon.version}`, `node-v${abi}-${tag}`, addon.file);
  if (!existsSync(cached)) place(built, cached);
  place(built, join(pkgDir, 'lib', 'binding', `node-v${abi}-${tag}`, addon.file));
  // Unlink, never overwrite: the file may be a hard link into pnpm's store.
  try {
    unlinkSync(built);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

/** Builds `addon` from its package's sources with node-gyp, run by `bin` against its own headers. */
async function build(addon, pkgDir, major, bin, abi, cached) {
  const headers = await nodeHeadersDir(major);
  if (!headers) throw new Error(`native-addons: no headers (include/node) found for Node ${major}; cannot build ${addon.name}`);
  const work = join(cacheDir, 'addons', `build-${process.pid}`, addon.name);
  rmSync(dirname(work), { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The sources only: not the builds, nor the package's own node_modules/.bin.
  const skip = new Set(['build', 'node_modules', join('lib', 'binding')]);
  cpSync(pkgDir, work, { recursive: true, filter: (src) => !skip.has(relative(pkgDir, src)) });
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  console.error(`[native-addons] building ${addon.name}@${addon.version} for Node ${version} (ABI ${abi}), once; kept in .cache/addons/`);
  const started = Date.now();
  const log = join(cacheDir, 'addons', `${addon.name}@${addon.version}-node-v${abi}.log`);
  try {
    const nodedir = withClassicObjectWrap(headers, join(dirname(work), 'nodedir'));
    const out = join(work, 'build', 'Release', addon.file);
    try {
      execFileSync(bin, [nodeGyp(), 'rebuild', '--release', `--nodedir=${nodedir}`, '--jobs=max'], {
        cwd: work,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
        // The gyp actions run `node`: the same Node as the build.
        env: { ...childNpmEnv(), PATH: `${dirname(bin)}:${process.env.PATH}` },
      });
    } catch (err) {
      writeFileSync(log, `${err.stdout ?? ''}${err.stderr ?? ''}`);
      throw new Error(`native-addons: node-gyp could not build ${addon.name} for Node ${version}; its output is in ${log}`);
    }
    if (exportedAbi(out) !== abi) throw new Error(`native-addons: ${out} was not built for ABI ${abi}`);
    // Load it once with that Node: a build that cannot load must not reach the cache.
    execFileSync(bin, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', out], { stdio: 'inherit' });
    place(out, cached);
  } finally {
    rmSync(dirname(work), { recursive: true, force: true });
  }
  console.error(`[native-addons] built ${addon.name} for Node ${version} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Node 24.19 made node::ObjectWrap (a header-only class, compiled into each addon)
 * register an environment cleanup hook per object and remove it in its destructor,
 * where Node CHECKs that an Environment is current. better-sqlite3 12's Statement
 * and Database are ObjectWraps deleted by V8's weak callbacks, which also run in
 * GCs outside any context and in the teardown GC: the process aborts with
 * `Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook (seen here
 * at the exit of a one-line script; upstream: WiseLibs/better-sqlite3#1515, fixed
 * in better-sqlite3 13, which needs Node 22 and so cannot serve Node 20).
 * So addons are built against a copy of the headers whose ObjectWrap neither adds
 * nor removes that hook: the class as every Node before 24.19 ships it (the ABI,
 * NODE_MODULE_VERSION, is the same for all of 24.x). Returns the nodedir to use.
 */
function withClassicObjectWrap(headers, dir) {
  const header = join(headers, 'include', 'node', 'node_object_wrap.h');
  const text = existsSync(header) ? readFileSync(header, 'utf8') : '';
  const calls = /^[ \t]*(Add|Remove)CleanupHook\(\);[ \t]*\n/gm;
  if (!text.match(calls)) return headers;
  cpSync(join(headers, 'include'), join(dir, 'include'), { recursive: true });
  writeFileSync(join(dir, 'include', 'node', 'node_object_wrap.h'),
    `// Patched by scripts/native-addons.mjs: no per-object cleanup hook (see withClassicObjectWrap).\n${text.replace(calls, '')}`);
  return dir;
}

/** npm's own node-gyp (what pnpm and npm use to build at install time), else one from the registry. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8', env: childNpmEnv() }).trim();
    candidates.push(join(globalRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch { /* no global npm: fall through */ }
  candidates.push(join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const found = candidates.find((p) => p && existsSync(p));
  if (found) return found;
  throw new Error('native-addons: node-gyp not found (it ships with npm); install npm, or run `npm i -g node-gyp`');
}

/** Copies `from` to `to` through a temporary file and a rename, so no reader sees half a file. */
function place(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

function sameBytes(a, b) {
  return existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));
}

/** The ABI a node binary loads (process.versions.modules), asked once per binary. */
const abis = new Map();
function abiOf(bin) {
  if (bin === process.execPath) return process.versions.modules;
  if (!abis.has(bin)) abis.set(bin, execFileSync(bin, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim());
  return abis.get(bin);
}

/** 'napi' for an N-API addon, 'abi' for one tied to a Node ABI, null for other shared objects. */
function addonKind(file) {
  const bytes = readFileSync(file);
  if (bytes.includes('napi_register_module_v1')) return 'napi';
  if (bytes.includes('node_register_module_v')) return 'abi';
  return null;
}

/** The NODE_MODULE_VERSION an addon was built for, from its exported `node_register_module_v<N>`. */
function exportedAbi(file) {
  const match = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return match ? match[1] : null;
}

/** The package folder and package.json holding `file`. */
function packageOf(file) {
  for (let dir = dirname(file); dir.startsWith(store) && dir !== store; dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) continue;
    const json = JSON.parse(readFileSync(pj, 'utf8'));
    if (json.name) return { dir, json };
  }
  return null;
}

/**
 * Every *.node file under `dir`, without following symbolic links (pnpm links each
 * dependency many times) and without node-gyp's intermediate link outputs (obj.target/).
 */
function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'obj.target') yield* walk(path);
    }
    else if (entry.isFile() && entry.name.endsWith('.node') && !entry.name.startsWith('.')) yield path;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const majors = process.argv.slice(2);
  const scan = scanAddons();
  console.log(`N-API addons (any Node): ${scan.napi.length}`);
  for (const a of scan.abi) console.log(`ABI-specific, switched per Node: ${a.name}@${a.version} (${a.file})`);
  for (const f of scan.unhandled) console.log(`ABI-specific, NOT switched: ${f}`);
  for (const major of majors) await prepareNativeAddons(major, { addons: scan.abi });
}
