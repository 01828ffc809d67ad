#!/usr/bin/env node
// `npm test`: the set-up (scripts/setup.mjs), then the whole vitest suite on
// Node 24 and again on the machine's own node; fails when either run fails.
//
// Which Nodes: MICRO_TEST_NODE=both (the default: 24, then the machine's),
// 24, 22, system, or a comma-separated list; or `npm test -- --node 24`.
// Every other argument goes to vitest: `npm test -- packages/session`.
// Node 24 comes from the npm registry's `node` package (scripts/node-runtime.mjs),
// installed once into .cache/node-24/.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareNativeAddons } from './native-addons.mjs';
import { nodeBinary, normalizeMajor } from './node-runtime.mjs';
import { setup } from './setup.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const { majors, vitestArgs } = parseArgs(process.argv.slice(2), process.env.MICRO_TEST_NODE);
await setup();

const vitest = join(dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
const results = [];
const seen = new Set();
for (const major of majors) {
  let bin, version;
  try {
    bin = await nodeBinary(major);
    version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    if (seen.has(version)) continue; // the machine's node may already be the 24 asked for
    seen.add(version);
    await prepareNativeAddons(major);
  } catch (err) {
    // Still run the other Nodes, then fail.
    console.error(`\n[test] Node ${major}: could not be made ready: ${err instanceof Error ? err.message : err}`);
    results.push({ version: version ?? `${major} (not installed)`, ok: false, seconds: 0, why: 'not ready' });
    continue;
  }

  console.log(`\n[test] ════ vitest on Node ${version} (${major === 'system' ? "the machine's node" : `node@${major} from npm`}: ${bin}) ════\n`);
  const started = Date.now();
  // A JSON report beside the console one, so the summary can name what failed: a CI log
  // shows only its tail, and one Node's failures would otherwise scroll out of it.
  const report = join(root, '.cache', `vitest-${major}.json`);
  rmSync(report, { force: true });
  const run = spawnSync(bin, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs], {
    cwd: root,
    stdio: 'inherit',
    // Anything the tests start by name (`node`, tsx's shebang) runs on the same Node.
    env: runtimeEnv(bin),
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0;
  results.push({ version, ok, seconds, why: run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`, failures: ok ? [] : failuresIn(report) });
  console.log(`\n[test] ════ Node ${version}: ${ok ? 'passed' : 'FAILED'} in ${seconds} s ════`);
  if (run.signal === 'SIGINT') break;
}

console.log('\n[test] summary:');
for (const r of results) {
  console.log(`[test]   Node ${r.version}: ${r.ok ? 'passed' : `FAILED (${r.why})`}, ${r.seconds} s`);
  for (const f of r.failures ?? []) console.log(`[test]     ✗ ${f}`);
}
process.exit(results.length > 0 && results.every((r) => r.ok) ? 0 : 1);

/** The environment for a run on `bin`: its folder first on the PATH, and npm's pointers to node aimed at it. */
function runtimeEnv(bin) {
  const env = { ...process.env, PATH: `${dirname(bin)}:${process.env.PATH}` };
  for (const key of ['npm_node_execpath', 'NODE']) if (key in env) env[key] = bin;
  return env;
}

/** The failed tests (and files that failed to load) in a vitest JSON report, each with its first error line. */
function failuresIn(report) {
  let json;
  try {
    json = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return ['(no vitest report: the run ended before writing one; see the log above)'];
  }
  const firstLine = (messages) => String(messages?.[0] ?? '').split('\n')[0].slice(0, 300);
  const out = [];
  for (const file of json.testResults ?? []) {
    const name = relative(root, file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failed) out.push(`${name} > ${t.fullName}: ${firstLine(t.failureMessages)}`);
    if (failed.length === 0 && file.status === 'failed') out.push(`${name}: ${String(file.message ?? '').split('\n')[0].slice(0, 300)}`);
  }
  return out;
}

/** Splits `--node X` off the arguments; the rest are vitest's. */
function parseArgs(args, env) {
  let which = env || 'both';
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--node') which = args[++i] ?? '';
    else if (args[i].startsWith('--node=')) which = args[i].slice('--node='.length);
    else rest.push(args[i]);
  }
  const list = which === 'both' ? ['24', 'system'] : which.split(',').map((m) => normalizeMajor(m));
  return { majors: list, vitestArgs: rest };
}
