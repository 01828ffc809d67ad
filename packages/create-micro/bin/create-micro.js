#!/usr/bin/env node
// create-micro <dir> [--sessions cookie|redis|sql|filesystem|memory] [--from <dir with tarballs>] [--no-install]
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { scaffold, ScaffoldError } from '../src/scaffold.js';
import { SESSION_NAMES } from '../src/sessions.js';

const USAGE = `Usage: create-micro <dir> [options]

Makes a new micro project in <dir>: the login demo with templates, static
files, a test, and the scripts npm run dev, npm start and npm test.

Options:
  --sessions <type>  Where sessions live: ${SESSION_NAMES.join(', ')} (default: cookie)
  --from <dir>       Install @micro/* from the tarballs in <dir> (pnpm pack) instead of the npm registry
  --no-install       Write the files only; do not run npm install
  -h, --help         Show this help`;

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      sessions: { type: 'string', default: 'cookie' },
      from: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  fail(`${err.message}\n\n${USAGE}`);
}
const { values, positionals } = args;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length > 1) fail(`One folder, please; got ${positionals.join(' ')}.\n\n${USAGE}`);

// Without a folder and at a terminal, ask for one; with flags or in a pipe, never ask.
let dir = positionals[0];
if (dir === undefined && process.stdin.isTTY && process.argv.length === 2) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  dir = (await rl.question('Project folder: (my-app) ')).trim() || 'my-app';
  rl.close();
}
if (dir === undefined) fail(`Name the folder to create.\n\n${USAGE}`);

let target;
try {
  target = scaffold({ dir, sessions: values.sessions, from: values.from ?? null });
} catch (err) {
  if (err instanceof ScaffoldError) fail(err.message);
  throw err;
}
console.log(`Created a micro project in ${target}`);

const install = !values['no-install'];
if (install) {
  console.log('Installing dependencies with npm install …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: target, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) fail(`npm install failed in ${target}; fix the error above and run npm install there again.`);
}

const near = relative(process.cwd(), target);
const cd = near === '' ? '.' : near.startsWith('..') ? target : near;
console.log(`
Next:
  cd ${cd}${install ? '' : '\n  npm install'}
  npm run dev   # http://127.0.0.1:5000/
  npm test`);

function fail(message) {
  console.error(`create-micro: ${message}`);
  process.exit(1);
}
