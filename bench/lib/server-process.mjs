// Starts one peer server in its own child process and waits for its ready signal.
import { fork } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serverFile } from './peers.mjs';

const HOOKS = fileURLToPath(new URL('./child-hooks.mjs', import.meta.url));

/** A port that was free a moment ago (the child binds it right away). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Peak resident set size (VmHWM) of a Linux process in bytes, or null elsewhere. */
export function peakRss(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * @param {import('./peers.mjs').Peer} peer
 * @param {{ cpuProfDir?: string, timeoutMs?: number, env?: Record<string,string>, quiet?: boolean, nodeArgs?: string[], execPath?: string }} [opts]
 *   execPath: the node binary to run the server on (--node); default the harness's own
 * @returns {Promise<{ peer: import('./peers.mjs').Peer, port: number, pid: number, url: string, peakRss: () => number|null, stop: () => Promise<void> }>}
 */
export async function startServer(peer, opts = {}) {
  const file = serverFile(peer);
  if (!file) throw new Error(`No server file for peer "${peer.name}" in bench/servers/`);
  const port = await freePort();
  const execArgv = ['--import', HOOKS, ...(opts.nodeArgs ?? [])];
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  }
  const child = fork(file, [], {
    execPath: opts.execPath ?? process.execPath,
    execArgv,
    env: { ...process.env, NODE_ENV: 'production', ...peer.env, ...opts.env, PORT: String(port) },
    stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
    if (!opts.quiet) process.stderr.write(`[${peer.name}] ${d}`);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const readyPort = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not send { ready: true } within ${opts.timeoutMs ?? 15000} ms`), opts.timeoutMs ?? 15000);
    let settled = false;
    function fail(why) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`Server ${peer.name} (${file}) ${why}.${stderr ? `\n${stderr.trim()}` : ''}`));
    }
    child.on('message', (msg) => {
      if (!settled && msg && typeof msg === 'object' && msg.ready) {
        settled = true;
        clearTimeout(timer);
        resolve(typeof msg.port === 'number' && msg.port > 0 ? msg.port : port);
      }
    });
    exited.then(({ code, signal }) => fail(`exited early (code ${code}, signal ${signal})`));
  });

  return {
    peer,
    port: readyPort,
    pid: /** @type {number} */ (child.pid),
    url: `http://127.0.0.1:${readyPort}`,
    peakRss: () => peakRss(/** @type {number} */ (child.pid)),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A profile takes a moment to write; after 10 s stop waiting.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
