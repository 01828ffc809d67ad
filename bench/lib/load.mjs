// Drives one server for a fixed time with wrk (when installed) or autocannon, and
// returns the same shape from both.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WRK = '/usr/bin/wrk';

/**
 * @typedef {object} LoadSpec
 * @property {string} url
 * @property {'GET'|'POST'} method
 * @property {Record<string,string>} headers
 * @property {string} [body]
 * @property {number} duration seconds
 * @property {number} connections
 *
 * @typedef {object} LoadResult
 * @property {number} rps completed requests per second
 * @property {number} requests
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} errors socket errors, timeouts and 4xx/5xx answers
 */

/** 'wrk' or 'autocannon' for the --loadgen option. */
export function pickLoadgen(choice = 'auto') {
  if (choice === 'auto') return existsSync(WRK) ? 'wrk' : 'autocannon';
  if (choice === 'wrk' && !existsSync(WRK)) throw new Error(`--loadgen wrk: ${WRK} not found (apt-get install -y wrk)`);
  return choice;
}

/** @param {'wrk'|'autocannon'} loadgen @param {LoadSpec} spec @returns {Promise<LoadResult>} */
export function runLoad(loadgen, spec) {
  return loadgen === 'wrk' ? runWrk(spec) : runAutocannon(spec);
}

/** @param {LoadSpec} spec */
async function runAutocannon(spec) {
  // Imported lazily: a wrk-only run never loads it.
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: spec.duration,
  });
  return {
    rps: r.requests.total / r.duration,
    requests: r.requests.total,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts + r['4xx'] + r['5xx'],
  };
}

const luaString = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** The Lua script that sets the request and prints one JSON line when wrk is done. */
export function wrkScript(spec) {
  const lines = [`wrk.method = ${luaString(spec.method)}`];
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

/** Reads the BENCH_JSON line of wrkScript's done() out of wrk's output. */
export function parseWrkOutput(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no result line:\n${stdout}`);
  const j = JSON.parse(line.slice('BENCH_JSON '.length));
  return {
    rps: j.requests / (j.duration_us / 1e6),
    requests: j.requests,
    p50Ms: j.p50_us / 1000,
    p99Ms: j.p99_us / 1000,
    errors: j.errors,
  };
}

/** @param {LoadSpec} spec */
async function runWrk(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'micro-bench-'));
  const script = join(dir, 'request.lua');
  writeFileSync(script, wrkScript(spec));
  // One wrk thread: the other of the 2 cores belongs to the server.
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.duration}s`, '--timeout', '5s', '-s', script, spec.url];
  try {
    const stdout = await new Promise((resolve, reject) => {
      execFile(WRK, args, { timeout: (spec.duration + 30) * 1000 }, (err, out, errOut) =>
        err ? reject(new Error(`wrk failed: ${err.message}\n${errOut}`)) : resolve(out),
      );
    });
    return parseWrkOutput(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
