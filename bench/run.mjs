#!/usr/bin/env node
// micro's benchmark harness.
//
//   node bench/run.mjs [--duration 3] [--connections 50] [--rounds 3] [--warmup 1]
//                      [--only peer,...] [--scenario hello,session-read,...] [--cpu-prof [peer,...]]
//                      [--node 24|22|20|system]
//
// Every server, micro's and the peers', runs on one Node.js: --node (env BENCH_NODE,
// default 24), installed from the npm registry on first use by scripts/node-runtime.mjs;
// `system` is the node running this script. The results record its version.
//
// How a run goes: for each scenario, every peer server taking part starts in its own
// child process; each is checked once over HTTP (right status and body) and warmed up
// before the next one starts (docs/benchmarks.md, "the start order"), then all are
// measured in several round-robin rounds (the order rotates each round, so no peer always
// runs first or last). A row is the median of its rounds; its ratio is to the scenario's
// baseline from the same run: plain Fastify for `hello`, Fastify + @fastify/secure-session
// for the session scenarios. Load: wrk when /usr/bin/wrk exists (1 thread), else autocannon.
// Output: one table on stdout, bench/results/latest.json and bench/results/latest.svg.
//
// THE SERVER CONVENTION — how to add a server (e.g. micro-signed):
//   1. Write bench/servers/<name>.mjs (plain ESM, run as is by `node`; import the built
//      packages, e.g. `import { Micro } from '@micro/core'`, after `pnpm build`). It must
//        - listen on 127.0.0.1 at Number(process.env.PORT) — the harness picks a free port;
//        - once listening, call process.send?.({ ready: true })  (optionally `port` too);
//        - answer the endpoints of the scenarios it is listed for:
//            GET  /hello        200 text/plain "Hello, World!" (no session)
//            GET  /             200 text/html "Logged in as <escaped name>" | "You are not logged in"
//            POST /login        urlencoded `username` -> session; 302 to /
//            GET  /logout       removes `username`; 302 to /
//            GET  /routing/target/42   200 "42" (routing servers: register their 9 or 999
//                               other routes first and this one last)
//      bench/servers/lib/common.mjs has PORT, HOST, SECRET, REDIS_URL and ready().
//      Nothing else: SIGTERM handling (so --cpu-prof can write its profile) is preloaded
//      by the harness (bench/lib/child-hooks.mjs).
//   2. List it in PEERS in bench/lib/peers.mjs (micro-signed, micro-encrypted, micro-redis,
//      micro-routing-10 and micro-routing-1000 are listed already and run as soon as their
//      file exists). Its speed targets are in bench/lib/targets.mjs.
//   3. `npx vitest run bench/test` checks every present server's four endpoints.
import { runBench, writeResults } from './lib/harness.mjs';
import { HELP, parseOptions } from './lib/options.mjs';

async function main() {
  const argv = process.argv.slice(2);
  const opts = parseOptions(argv, process.env);
  if (opts.help) {
    console.log(HELP);
    return;
  }
  const result = await runBench(opts, { argv });
  console.log(result.table);
  if (result.profiles.length) console.log(`\n${result.profiles.join('\n\n')}`);
  const [json, svg] = writeResults(result);
  process.stderr.write(`\nwrote ${json} and ${svg} (${result.meta.seconds} s)\n`);
  if (result.failures.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
