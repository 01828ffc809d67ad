#!/usr/bin/env node
// What each session feature costs a request, as same-run ratios against micro without it:
// the absolute limit (SESSION_ABSOLUTE_LIFETIME), binding sessions to users (the per-user
// index; SESSION_VALID_AFTER on cookies) and OpenTelemetry with an SDK recording (without an
// SDK micro takes its untraced path). Signed cookies and the memory store (the store path
// without a network), on session-read and session-write.
//
//   node bench/feature-cost.mjs [--node 24|22|20|system] [--rounds 10] [--requests 15000]
//
// Each group is one bench/pipeline.mjs run (in-process, peers taking turns round by round);
// the OpenTelemetry server comes last, since it registers the SDK for the whole process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS } from './lib/options.mjs';

const { values } = parseArgs({
  options: {
    node: { type: 'string', default: process.env.BENCH_NODE || DEFAULTS.node },
    rounds: { type: 'string', default: '10' },
    requests: { type: 'string', default: '15000' },
  },
});

const server = (file) => `bench/servers/${file}.mjs`;
const GROUPS = [
  {
    name: 'signed cookie',
    peers: [
      'micro-signed',
      `absolute=${server('micro-signed-absolute')}`,
      `bindUser=${server('micro-signed-bound')}`,
      `otel=${server('micro-signed-otel')}`,
    ],
  },
  {
    name: 'memory store',
    peers: [
      `memory=${server('micro-memory')}`,
      `absolute=${server('micro-memory-absolute')}`,
      `bindUser=${server('micro-memory-bound')}`,
      `otel=${server('micro-memory-otel')}`,
    ],
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const pipeline = fileURLToPath(new URL('pipeline.mjs', import.meta.url));
let failed = false;
for (const scenario of ['session-read', 'session-write']) {
  for (const group of GROUPS) {
    console.log(`\n== ${group.name}, ${scenario} (ratio: speed against the first row; below 1 is slower)`);
    const args = [pipeline, '--scenario', scenario, '--peers', group.peers.join(','), '--node', values.node];
    args.push('--rounds', values.rounds, '--requests', values.requests);
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);
