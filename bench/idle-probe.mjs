#!/usr/bin/env node
// Does idling before the first load leave a server slow? (docs/benchmarks.md, "the start order")
//
//   node bench/idle-probe.mjs [--peer micro-signed] [--scenario session-read] [--idle 12]
//                             [--rounds 3] [--duration 2] [--node-args="..."] [--loadgen wrk|autocannon]
//                             [--node 24|22|20|system]   (the server's Node.js; env BENCH_NODE, default 24)
//
// Starts the peer twice. "cold idle": log in and check once, idle --idle seconds, warm up,
// measure. "hot": the same with the warm-up before the idle. Prints req/s and the server's
// user and system CPU per request (from /proc) for each round. On Node 20 a cold idle past
// ~8 s lets V8's memory reducer run, after which process.nextTick's object literal stays
// on V8's slow runtime path; raw-node shows it as much as micro.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { preflight, requestFor } from './lib/harness.mjs';
import { pickLoadgen, runLoad } from './lib/load.mjs';
import { nodeRuntime } from './lib/node-runtime.mjs';
import { DEFAULTS, parseNodeChoice } from './lib/options.mjs';
import { peerNamed, scenarioNamed } from './lib/peers.mjs';
import { startServer } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    peer: { type: 'string', default: 'micro-signed' },
    scenario: { type: 'string', default: 'session-read' },
    idle: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    'node-args': { type: 'string', default: '' },
    loadgen: { type: 'string', default: 'auto' },
    node: { type: 'string', default: process.env.BENCH_NODE || DEFAULTS.node },
  },
});
const peer = peerNamed(values.peer);
const scenario = scenarioNamed(values.scenario);
const loadgen = pickLoadgen(values.loadgen);
const nodeArgs = values['node-args'].split(' ').filter(Boolean);
const runtime = await nodeRuntime(parseNodeChoice(values.node));
const [idle, rounds, duration, connections] = ['idle', 'rounds', 'duration', 'connections'].map((k) => Number(values[k]));

/** utime and stime of a process in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]), sys: Number(fields[12]) };
}

async function probe(mode) {
  const server = await startServer(peer, { quiet: true, nodeArgs, execPath: runtime.path });
  try {
    const req = await requestFor(scenario, server);
    await preflight(scenario, req);
    const load = (seconds) => runLoad(loadgen, { ...req, duration: seconds, connections });
    if (mode === 'hot') await load(1);
    await sleep(idle * 1000);
    if (mode === 'cold idle') await load(1);
    const out = [];
    for (let i = 0; i < rounds; i++) {
      const before = cpuTicks(server.pid);
      const r = await load(duration);
      const after = cpuTicks(server.pid);
      // ticks are 10 ms: µs per request = ticks * 10 000 / requests
      const per = (ticks) => ((ticks * 10_000) / r.requests).toFixed(1);
      out.push(`${Math.round(r.rps)} req/s (user ${per(after.user - before.user)} µs, sys ${per(after.sys - before.sys)} µs per request)`);
    }
    console.log(`${peer.name} ${values.scenario}, ${mode}, idle ${idle} s:\n  ${out.join('\n  ')}`);
  } finally {
    await server.stop();
  }
}

console.log(`server on Node ${runtime.version} (--node ${runtime.choice})`);
await probe('cold idle');
await probe('hot');
