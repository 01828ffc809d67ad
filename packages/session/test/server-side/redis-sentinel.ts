/**
 * A Redis master (optionally with one replica) and one Sentinel watching it, as
 * throwaway processes on free loopback ports, for the Sentinel tests. (The
 * servers come from startRedis.)
 */
import { Redis } from 'ioredis';
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
  if (replica) {
    try {
      await replicaInSync(replica.port);
    } catch (err) {
      await stop();
      throw err;
    }
  }
  return { master, replica, port, masterName, stop };
}

/**
 * Wait until the replica has finished its first sync with the master
 * (`master_link_status:up`): before that, a WAIT for one replica can time out
 * on a busy machine, and a failover would promote an empty replica.
 */
async function replicaInSync(replicaPort: number): Promise<void> {
  const client = new Redis({ port: replicaPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    await client.connect();
    const deadline = Date.now() + 30_000;
    let info = '';
    while (!/^master_link_status:up\r?$/m.test((info = await client.info('replication')))) {
      if (Date.now() > deadline) throw new Error(`the Redis replica on ${replicaPort} did not sync with its master in 30 s:\n${info}`);
      await sleep(50);
    }
  } finally {
    client.disconnect();
  }
}
