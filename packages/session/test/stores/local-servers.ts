/**
 * Throwaway redis-server / memcached processes on free loopback ports, for tests
 * that kill and restart a server or need a cluster. Each test stops what it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, probeTcp } from './services.js';

export function hasBinary(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

export interface LocalServer {
  readonly port: number;
  readonly dir: string;
  /** Crash it (SIGKILL) and wait until it is gone. */
  kill(): Promise<void>;
  /** Send a signal without waiting, e.g. SIGCONT to thaw it. */
  signal(sig: NodeJS.Signals): void;
  /**
   * Freeze it (SIGSTOP) and wait until the kernel has stopped it: a signal is
   * delivered asynchronously, and on another core the process could still
   * answer a request sent right after `kill()` returned.
   */
  freeze(): Promise<void>;
  /** Start it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stop it for good and remove its directory. */
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before listening on ${port}`);
    try {
      await probeTcp('127.0.0.1', port, 500);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} within 10 s: ${String(err)}`);
      await sleep(50);
    }
  }
}

/** Resolves once /proc says every thread of the process is stopped (state T); at once where there is no /proc. */
async function stoppedByKernel(pid: number): Promise<void> {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return;
  // The state is the field after the command name, which ends with the last ')'.
  const stateOf = (tid: string): string => {
    const text = readFileSync(join(tasks, tid, 'stat'), 'utf8');
    const end = text.lastIndexOf(')');
    return text.slice(end + 2, end + 3);
  };
  const deadline = Date.now() + 5000;
  while (!readdirSync(tasks).every((tid) => stateOf(tid) === 'T')) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within 5 s of SIGSTOP`);
    await sleep(1);
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startProcess(
  what: string,
  bin: string,
  args: (port: number, dir: string) => string[],
  port?: number,
): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), `micro-${what}-`));
  const usePort = port ?? (await freePort());
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(bin, args(usePort, dir), { stdio: 'ignore', cwd: dir });
    await waitForPort(usePort, child, what);
  };
  await launch();
  const server: LocalServer = {
    port: usePort,
    dir,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    signal(sig) {
      child.kill(sig);
    },
    async freeze() {
      child.kill('SIGSTOP');
      await stoppedByKernel(child.pid!);
    },
    async restart() {
      await launch();
    },
    async stop() {
      child.kill('SIGKILL');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** redis-server with an append-only file in its own directory, so data survives a crash and restart. */
export function startRedis(extra: string[] = [], port?: number): Promise<LocalServer> {
  return startProcess(
    'redis',
    'redis-server',
    (p, dir) => ['--port', String(p), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', ...extra],
    port,
  );
}

export function startMemcached(port?: number): Promise<LocalServer> {
  // -U 0: no UDP; -m 64: 64 MiB is plenty for tests.
  return startProcess('memcached', 'memcached', (p) => ['-l', '127.0.0.1', '-p', String(p), '-U', '0', '-m', '64', ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])], port);
}

export interface LocalCluster {
  readonly ports: number[];
  stop(): Promise<void>;
}

/** A real three-master Redis Cluster on loopback, ready (cluster_state:ok) when this resolves. */
export async function startRedisCluster(nodes = 3): Promise<LocalCluster> {
  const servers: LocalServer[] = [];
  try {
    for (let i = 0; i < nodes; i++) {
      servers.push(
        await startProcess('redis-cluster', 'redis-server', (p, dir) => [
          '--port', String(p), '--bind', '127.0.0.1', '--dir', dir,
          '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'),
          '--save', '', '--appendonly', 'no',
        ]),
      );
    }
    const addrs = servers.map((s) => `127.0.0.1:${s.port}`);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    const deadline = Date.now() + 20_000;
    for (const s of servers) {
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(s.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${s.port} not ok within 20 s:\n${info}`);
        await sleep(100);
      }
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  return {
    ports: servers.map((s) => s.port),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
