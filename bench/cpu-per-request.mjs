#!/usr/bin/env node
// Server CPU time per request, for comparing peers on a machine that is busy with other
// work, where requests/s swing with the neighbours' load but the CPU a server spends on
// one request barely does. Each server runs alone under wrk (or autocannon); its user +
// system CPU time (from /proc/<pid>/stat, Linux only) is divided by the requests it
// answered. Servers take turns for --rounds rounds; the median is reported.
//
//   node bench/cpu-per-request.mjs [--scenario static-1k,static-1m] [--rounds 5] [--duration 2] [--only peer,...]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestFor, preflight } from './lib/harness.mjs';
import { pickLoadgen, runLoad } from './lib/load.mjs';
import { PEERS, scenarioNamed, serverFile } from './lib/peers.mjs';
import { median } from './lib/report.mjs';
import { startServer } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'static-1k,static-1m' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
  },
});

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const loadgen = pickLoadgen();
for (const name of values.scenario.split(',')) {
  const scenario = scenarioNamed(name);
  const only = values.only?.split(',');
  const peers = PEERS.filter((p) => p.scenarios.includes(name) && serverFile(p) && (!only || only.includes(p.name)));
  const servers = [];
  for (const peer of peers) {
    const server = await startServer(peer, { quiet: true });
    const req = await requestFor(scenario, server);
    await preflight(scenario, req);
    await runLoad(loadgen, { ...req, duration: 1, connections: Number(values.connections) }); // warm-up
    servers.push({ peer, server, req, perRequest: [], rps: [] });
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const s of [...servers.slice(round % servers.length), ...servers.slice(0, round % servers.length)]) {
      const before = cpuSeconds(s.server.pid);
      const result = await runLoad(loadgen, { ...s.req, duration: Number(values.duration), connections: Number(values.connections) });
      const used = cpuSeconds(s.server.pid) - before;
      s.perRequest.push((used / result.requests) * 1e6);
      s.rps.push(result.rps);
    }
  }
  console.log(`\n${name} (${loadgen}, ${values.rounds} rounds × ${values.duration} s): server CPU per request, median`);
  for (const s of servers.sort((a, b) => median(a.perRequest) - median(b.perRequest))) {
    console.log(`  ${s.peer.name.padEnd(16)} ${median(s.perRequest).toFixed(1).padStart(8)} µs   (${Math.round(median(s.rps))} req/s)`);
    await s.server.stop();
  }
}
