/**
 * A Redis master (optionally with one replica) and one Sentinel watching it, as
 * throwaway processes on free loopback ports, for the Sentinel tests. (The
 * servers come from startRedis.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, type LocalServer } from '../stores/local-servers.js';
import { freePort, probeTcp } from '../stores/services.js';

export interface LocalSentinel {
  readonly master: LocalServer;
  /** With `{ replica: true }`: a replica of the master, which the Sentinel promotes when the master dies. */
  readonly replica: LocalServer | undefined;
  readonly port: number;
  readonly masterName: string;
  stop(): Promise<void>;
}

export async function startRedisSentinel(masterName = 'mymaster', options: { replica?: boolean } = {}): Promise<LocalSentinel> {
  const master = await startRedis();
  const replica = options.replica ? await startRedis(['--replicaof', '127.0.0.1', String(master.port)]) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'micro-sentinel-'));
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file, so it must be its own, writable one. A dead
  // master is noticed after one second (the default is 30) so that a failover test is quick.
  const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`];
  lines.push(`sentinel down-after-milliseconds ${masterName} 1000`, `sentinel failover-timeout ${masterName} 10000`, '');
  writeFileSync(conf, lines.join('\n'));
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', cwd: dir });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await master.stop();
    await replica?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await probeTcp('127.0.0.1', port, 500);
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`redis sentinel did not listen on ${port}: ${String(err)}`);
      }
      await sleep(50);
    }
  }
  return { master, replica, port, masterName, stop };
}
