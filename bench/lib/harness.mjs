// The run itself: select peers, start servers, check, warm up, measure round-robin,
// profile, and assemble the results. bench/run.mjs is only the command line around it.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FORM, login, request } from './client.mjs';
import { formatTop, topSelfTime } from './cpuprofile.mjs';
import { pickLoadgen, runLoad } from './load.mjs';
import { nodeRuntime } from './node-runtime.mjs';
import { PEERS, SCENARIOS, isMicro, serverFile } from './peers.mjs';
import { buildRows, renderSvg, renderTable } from './report.mjs';
import { startServer } from './server-process.mjs';
import { evaluateTargets } from './targets.mjs';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const stderrLog = (msg) => process.stderr.write(`${msg}\n`);

/** Is Redis listening at REDIS_URL? (connect-redis peers are skipped, not failed, without it) */
export function redisReachable(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Peers to run: present files, --only (plus the baselines), Redis when needed. */
export async function selectPeers(opts, skipped) {
  const baselines = new Set(opts.scenarios.map((s) => SCENARIOS[s].baseline));
  const redisOk = PEERS.some((p) => p.needsRedis) ? await redisReachable() : true;
  const out = [];
  for (const peer of PEERS) {
    if (!peer.scenarios.some((s) => opts.scenarios.includes(s))) continue;
    if (opts.only && !opts.only.includes(peer.name) && !baselines.has(peer.name)) continue;
    if (!serverFile(peer)) {
      skipped.push({ peer: peer.name, why: 'no server file yet' });
      continue;
    }
    if (peer.needsRedis && !redisOk) {
      skipped.push({ peer: peer.name, why: 'Redis not reachable at REDIS_URL' });
      continue;
    }
    out.push(peer);
  }
  if (opts.only) {
    const unknown = opts.only.filter((n) => !PEERS.some((p) => p.name === n));
    if (unknown.length) throw new Error(`Unknown peer ${unknown.join(', ')}; known: ${PEERS.map((p) => p.name).join(', ')}`);
  }
  return out;
}

/** The request of a scenario against one server, logging in first when it needs a session. */
export async function requestFor(scenario, server) {
  const headers = {};
  if (scenario.withSession) headers.cookie = await login(server.url, 'bench');
  if (scenario.body !== undefined) Object.assign(headers, FORM);
  return { url: `${server.url}${scenario.path}`, method: scenario.method, headers, body: scenario.body };
}

/** One request, checked, before any load: a broken peer must not post a fast number. */
export async function preflight(scenario, req) {
  const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body });
  if (!scenario.expect(res.status, res.body)) {
    throw new Error(`${req.method} ${new URL(req.url).pathname} answered ${res.status} ${JSON.stringify(res.body.slice(0, 80))}`);
  }
}

const newestProfile = (dir) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
  } catch {
    return undefined;
  }
};

export async function runScenario(scenario, peers, opts, ctx) {
  const { loadgen, profileDir, profiled, log } = ctx;
  const servers = [];
  const measurements = [];
  const load = (req, duration) => runLoad(loadgen, { ...req, duration, connections: opts.connections });
  try {
    for (const peer of peers) {
      const cpuProfDir = profiled.has(peer.name) ? join(profileDir, scenario.name, peer.name) : undefined;
      let server;
      try {
        server = await startServer(peer, { cpuProfDir, quiet: ctx.quiet, nodeArgs: opts.nodeArgs, execPath: ctx.runtime.path });
        log(`  started ${peer.name} (pid ${server.pid})`);
        const req = await requestFor(scenario, server);
        await preflight(scenario, req);
        // Warm up at once, before the next server starts. A Node 20 process that served a
        // few requests and then idled ~8 s gets a memory-reducing GC that leaves
        // process.nextTick's object literal on V8's slow runtime path from then on (12–14 %
        // of perf samples, -15–20 % req/s, raw-node and micro alike). Warming up later would hand that
        // penalty to whichever servers happened to start last. See docs/benchmarks.md.
        log(`  warm-up ${opts.warmup}s ${peer.name}`);
        await load(req, opts.warmup);
        servers.push({ server, req, cpuProfDir, rounds: [] });
      } catch (err) {
        log(`  ${peer.name}: FAILED, left out of ${scenario.name}: ${err.message}`);
        ctx.failures.push({ scenario: scenario.name, peer: peer.name, error: err.message });
        // A server that started but failed its check or warm-up is not measured: stop it
        // now, or its process would keep the harness from exiting.
        await server?.stop();
      }
    }
    for (let round = 0; round < opts.rounds; round++) {
      // Rotate the order each round so that no peer always follows the same neighbour.
      const order = servers.map((_, i) => servers[(i + round) % servers.length]);
      for (const s of order) {
        const r = await load(s.req, opts.duration);
        s.rounds.push(r);
        log(`  round ${round + 1}/${opts.rounds} ${s.server.peer.name.padEnd(24)} ${Math.round(r.rps).toString().padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2)} ms${r.errors ? `  ${r.errors} errors` : ''}`);
      }
    }
    for (const s of servers) {
      measurements.push({
        scenario: scenario.name,
        peer: s.server.peer.name,
        label: (scenario.name === 'hello' && s.server.peer.helloLabel) || s.server.peer.label,
        rounds: s.rounds,
        // VmHWM: the peak since start, read while the server still runs.
        rssPeak: scenario.name === 'session-read' ? s.server.peakRss() : null,
      });
    }
  } finally {
    await Promise.all(servers.map((s) => s.server.stop()));
  }
  for (const s of servers) {
    if (!s.cpuProfDir) continue;
    const file = newestProfile(s.cpuProfDir);
    if (!file) {
      ctx.profiles.push(`${scenario.name} / ${s.server.peer.name}: no .cpuprofile was written`);
      continue;
    }
    const profile = JSON.parse(readFileSync(join(s.cpuProfDir, file), 'utf8'));
    ctx.profiles.push(formatTop(`${scenario.name} / ${s.server.peer.name} (${join(s.cpuProfDir, file)})`, topSelfTime(profile, 10)));
  }
  return measurements;
}


/**
 * The whole run. Progress goes to `log`; nothing is written to disk here.
 * @param {ReturnType<import('./options.mjs').parseOptions>} opts
 * @param {{ log?: (msg: string) => void, quiet?: boolean, argv?: string[] }} [io]
 */
export async function runBench(opts, io = {}) {
  const log = io.log ?? stderrLog;
  const loadgen = pickLoadgen(opts.loadgen);
  if (loadgen === 'wrk' && !(Number.isInteger(opts.duration) && Number.isInteger(opts.warmup))) {
    throw new Error(`wrk takes whole seconds: --duration ${opts.duration} --warmup ${opts.warmup}; round them, or use --loadgen autocannon`);
  }
  const outDir = resolve(opts.out || join(BENCH_DIR, 'results'));
  const skipped = [];
  const peers = await selectPeers(opts, skipped);
  // Every server runs on this one node (--node), whatever node runs the harness.
  const runtime = await nodeRuntime(opts.node ?? 'system');
  const profiled = new Set(
    opts.cpuProf === null ? [] : peers.filter((p) => (opts.cpuProf.length ? opts.cpuProf.includes(p.name) : isMicro(p.name))).map((p) => p.name),
  );
  const ctx = { loadgen, runtime, profileDir: join(outDir, 'profiles'), profiled, failures: [], profiles: [], log, quiet: io.quiet ?? false };

  log(`micro bench: ${loadgen}, ${opts.connections} connections, ${opts.rounds} rounds × ${opts.duration}s, warm-up ${opts.warmup}s, ${os.cpus().length} cores`);
  log(`  servers on Node ${runtime.version} (--node ${runtime.choice}: ${runtime.path}); harness on Node ${process.version}`);
  for (const s of skipped) log(`  skipped ${s.peer}: ${s.why}`);
  if (opts.cpuProf !== null && profiled.size === 0) log('  --cpu-prof: no micro server present, nothing to profile (name peers: --cpu-prof raw-node)');
  if (profiled.size) log(`  --cpu-prof on ${[...profiled].join(', ')}: their numbers include the profiler's overhead`);

  const measurements = [];
  const started = Date.now();
  for (const name of opts.scenarios) {
    const scenario = SCENARIOS[name];
    const taking = peers.filter((p) => p.scenarios.includes(name));
    if (taking.length === 0) {
      log(`${name}: no server for it yet, skipped`);
      continue;
    }
    log(`${name}: ${scenario.method} ${scenario.path} — ${taking.map((p) => p.name).join(', ')}`);
    measurements.push(...(await runScenario(scenario, taking, opts, ctx)));
  }

  const rows = buildRows(measurements, SCENARIOS);
  // Only the targets of the scenarios asked for; the others would all read "pending".
  const evaluations = evaluateTargets(rows).filter((e) => opts.scenarios.includes(e.scenario));
  const meta = {
    date: new Date().toISOString(),
    command: `node bench/run.mjs ${(io.argv ?? []).join(' ')}`.trim(),
    node: runtime.version, // every server's process.version
    nodeChoice: runtime.choice,
    nodePath: runtime.path,
    harnessNode: process.version, // the harness and, with --loadgen autocannon, the load generator
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? '',
    cores: os.cpus().length,
    loadgen,
    duration: opts.duration,
    warmup: opts.warmup,
    connections: opts.connections,
    rounds: opts.rounds,
    nodeArgs: opts.nodeArgs,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  return { meta, outDir, rows, evaluations, skipped, failures: ctx.failures, profiles: ctx.profiles, table: renderTable(rows, evaluations, meta) };
}

/** latest.json and latest.svg in the results folder. */
export function writeResults(result) {
  const { meta, outDir, rows, evaluations, skipped, failures } = result;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify({ meta, rows, targets: evaluations, skipped, failures }, null, 2)}\n`);
  writeFileSync(
    join(outDir, 'latest.svg'),
    renderSvg(rows, { title: `Requests/s as a ratio to the baseline — ${meta.date.slice(0, 10)}, ${meta.loadgen}, servers on Node ${meta.node}` }),
  );
  return [join(outDir, 'latest.json'), join(outDir, 'latest.svg')];
}
