#!/usr/bin/env node
// Requests per second of a read-mostly micro app while its Redis hangs, with and
// without the session store's circuit breaker (docs/benchmarks.md, "Store outage").
//
//   node bench/outage.mjs [--duration 10] [--warmup 3] [--connections 50] [--rounds 3]
//                         [--node 24|22|20|system]   (the server's Node.js; env BENCH_NODE, default 24)
//
// A private redis-server (its own port, nothing persisted) is frozen with SIGSTOP:
// connections stay open and commands are accepted but never answered, as a hung
// Redis. Every request carries a logged-in user's session cookie; the mix per
// connection is 7× GET /hello (no session use), 2× GET / (reads it), 1× POST
// /visit (writes it). Server-side sessions are opened before the view runs, so
// without the breaker every one of them waits for the store timeout (2 s, the
// default of RedisStore). Scenarios:
//   healthy                      Redis answering (for scale)
//   hung, no breaker             SESSION_BREAKER_THRESHOLD = 0
//   hung, breaker                the defaults: 5 outages in a row, 5 s cool-down
//   hung, no breaker + read-only SESSION_OUTAGE_READONLY alone
//   hung, breaker + read-only    both: GETs are served, POST /visit answers 503
// Each scenario gets a fresh server in a child process; the warm-up (during which
// the breaker trips) is not measured. Scenarios take turns for --rounds rounds
// (the order rotates) and each row is the median round, as the machine may be
// busy with other work. Load: autocannon.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { nodeRuntime } from './lib/node-runtime.mjs';
import { DEFAULTS, parseNodeChoice } from './lib/options.mjs';

const SECRET = 'micro-bench-outage-secret-0123456789';
const MIX = [
  ...Array(7).fill({ method: 'GET', path: '/hello' }),
  ...Array(2).fill({ method: 'GET', path: '/' }),
  { method: 'POST', path: '/visit' },
];

if (process.argv[2] === '--serve') await serve();
else await main();

// --- the app (child process) -------------------------------------------------

async function serve() {
  const { App } = await import('@micro/core');
  const { session, sessions } = await import('@micro/session');
  const { createClient } = await import('redis');
  const client = createClient({ url: `redis://127.0.0.1:${process.env.REDIS_PORT}`, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  const app = new App({
    config: {
      SECRET_KEY: SECRET,
      SESSION_TYPE: 'redis',
      SESSION_REDIS: client,
      SESSION_KEY_PREFIX: 'micro-bench-outage:',
      SESSION_BREAKER_THRESHOLD: process.env.BREAKER === '1' ? 5 : 0,
      SESSION_OUTAGE_READONLY: process.env.READONLY === '1',
    },
  });
  sessions(app);
  // Counted, not printed: how many lines an outage writes is part of its cost.
  const lines = { error: 0, warn: 0, info: 0, debug: 0 };
  app.logger = Object.fromEntries(Object.keys(lines).map((level) => [level, () => void lines[level]++]));

  app.get('/hello', function hello() {
    return 'Hello, World!';
  });
  app.get('/', function index() {
    const name = session.get('username');
    return name === undefined ? 'You are not logged in' : `Logged in as ${name}`;
  });
  app.post('/login', function login() {
    session.set('username', 'alice');
    return 'ok';
  });
  app.post('/visit', function visit() {
    session.set('visits', Number(session.get('visits') ?? 0) + 1);
    return 'ok';
  });
  process.on('message', (msg) => {
    if (msg === 'stats') process.send({ lines });
  });
  await app.listen(Number(process.env.PORT), '127.0.0.1', { handleSignals: false });
  process.send({ ready: true });
}

// --- the driver ----------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      node: { type: 'string', default: process.env.BENCH_NODE || DEFAULTS.node },
    },
  });
  const runtime = await nodeRuntime(parseNodeChoice(values.node));
  const opts = { duration: Number(values.duration), warmup: Number(values.warmup), connections: Number(values.connections) };
  const scenarios = [
    { name: 'healthy', hung: false, breaker: true, readonly: false },
    { name: 'hung, no breaker', hung: true, breaker: false, readonly: false },
    { name: 'hung, breaker', hung: true, breaker: true, readonly: false },
    { name: 'hung, no breaker + read-only', hung: true, breaker: false, readonly: true },
    { name: 'hung, breaker + read-only', hung: true, breaker: true, readonly: true },
  ];
  const runs = new Map(scenarios.map((s) => [s.name, []]));
  const redis = await startRedis();
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (let i = 0; i < scenarios.length; i++) {
        const scenario = scenarios[(i + round) % scenarios.length];
        const r = await runScenario(scenario, redis, opts, runtime.path);
        runs.get(scenario.name).push(r);
        console.error(`round ${round + 1}: ${scenario.name}: ${Math.round(r.rps)} requests/s`);
      }
    }
  } finally {
    redis.process.kill('SIGCONT');
    redis.process.kill('SIGKILL');
  }
  console.log(`\nserver on Node ${runtime.version} (--node ${runtime.choice}), ${opts.connections} connections, ${opts.duration} s measured after ${opts.warmup} s of warm-up, median of ${values.rounds} rounds\n`);
  console.log('| scenario | requests/s | of which 2xx/s | p50 ms | p99 ms | 503s | log lines |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { name } of scenarios) {
    const all = runs.get(name).toSorted((a, b) => a.rps - b.rps);
    const r = all[Math.floor((all.length - 1) / 2)];
    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    console.log(`| ${name} | ${fmt(r.rps)} | ${fmt(r.okRps)} | ${r.p50} | ${r.p99} | ${r.unavailable} | ${r.lines} |`);
  }
}

async function runScenario(scenario, redis, opts, execPath) {
  const { default: autocannon } = await import('autocannon');
  const port = await freePort();
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], {
    execPath,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), REDIS_PORT: String(redis.port), BREAKER: scenario.breaker ? '1' : '0', READONLY: scenario.readonly ? '1' : '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = await once(child, 'message');
  if (!ready?.ready) throw new Error('the server did not start');
  const url = `http://127.0.0.1:${port}`;
  try {
    const login = await fetch(`${url}/login`, { method: 'POST' });
    const cookie = login.headers.getSetCookie()[0]?.split(';')[0];
    if (login.status !== 200 || !cookie) throw new Error(`login answered ${login.status}`);
    if (scenario.hung) redis.process.kill('SIGSTOP');
    const load = { url, connections: opts.connections, headers: { cookie }, requests: MIX };
    await autocannon({ ...load, duration: opts.warmup });
    const before = await stats(child);
    const r = await autocannon({ ...load, duration: opts.duration });
    const after = await stats(child);
    const lines = Object.keys(after.lines).reduce((n, level) => n + after.lines[level] - before.lines[level], 0);
    return {
      name: scenario.name,
      rps: r.requests.total / r.duration,
      okRps: r['2xx'] / r.duration,
      p50: r.latency.p50,
      p99: r.latency.p99,
      ok: r['2xx'],
      unavailable: r.statusCodeStats?.['503']?.count ?? 0,
      lines,
    };
  } finally {
    child.kill('SIGKILL');
    if (scenario.hung) {
      redis.process.kill('SIGCONT');
      await sleep(500); // let it work off what queued up while frozen
    }
  }
}

async function stats(child) {
  child.send('stats');
  const [msg] = await once(child, 'message');
  return msg;
}

async function startRedis() {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  proc.on('error', (err) => {
    console.error(`redis-server could not start (${err.message}); install it (apt-get install redis-server).`);
    process.exit(1);
  });
  for (let i = 0; i < 100; i++) {
    if (await reachable(port)) return { port, process: proc };
    await sleep(50);
  }
  throw new Error('redis-server did not listen within 5 s');
}

function reachable(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
