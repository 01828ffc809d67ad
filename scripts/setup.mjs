#!/usr/bin/env node
// Brings a fresh clone to a runnable state: pnpm (through npx), dependencies, a build,
// and, unless --no-services, the Debian packages some tests need (memcached, chromium).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM = 'pnpm@10.34.8';
const args = new Set(process.argv.slice(2));

function run(cmd, opts = {}) {
  console.error(`[setup] ${cmd}`);
  execSync(cmd, { cwd: root, stdio: 'inherit', ...opts });
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const pnpm = have('pnpm') && /^10\./.test(execSync('pnpm --version').toString().trim())
  ? 'pnpm'
  : `npx --yes ${PNPM}`;

run(`${pnpm} install --frozen-lockfile`);
run(`${pnpm} run build`);

const wanted = [];
if (!args.has('--no-services')) {
  if (!have('memcached')) wanted.push('memcached');
  if (!existsSync('/usr/bin/chromium')) wanted.push('chromium');
}
// The benchmark's load generator; without it the bench falls back to autocannon.
if (args.has('--bench') && !existsSync('/usr/bin/wrk')) wanted.push('wrk');
if (wanted.length) {
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  try {
    run(`${sudo}apt-get update -qq`);
    run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${wanted.join(' ')}`);
  } catch {
    console.error(`[setup] could not install ${wanted.join(', ')}: the tests that need them will say so.`);
  }
}
