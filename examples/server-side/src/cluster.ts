#!/usr/bin/env node
/**
 * The demo on node's cluster module: one worker per CPU (or WORKERS), all on
 * one port, the primary handing connections out round-robin. Workers share
 * nothing in memory, so sessions must live in a shared store (redis,
 * memcached, sql, mongodb, or filesystem on one machine) and every worker
 * must sign with the same SECRET_KEY. Each response names its worker.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createApp } from './app.js';
import { sessionStoreFromEnv } from './session-store-from-env.js';

if (process.env.SESSION_TYPE === 'memory') {
  throw new Error('SESSION_TYPE=memory keeps sessions inside one process; workers would not see each other\'s. Use redis, memcached, sql, mongodb or filesystem.');
}
if (!process.env.SECRET_KEY) {
  console.warn('warning: SECRET_KEY is not set; every worker uses the same development key. Set SECRET_KEY in production.');
  process.env.SECRET_KEY = 'micro-server-side development key: do not use in production';
}

if (cluster.isPrimary) {
  const workers = Number(process.env.WORKERS ?? availableParallelism());
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    console.warn(`worker ${worker.id} exited (${code}); starting another`);
    cluster.fork();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
    });
  }
} else {
  const setup = await sessionStoreFromEnv(process.env);
  const app = createApp(process.env.SECRET_KEY, setup);
  const worker = String(cluster.worker?.id);
  app.afterRequest((response) => {
    response.headers.set('X-Worker', worker);
    return response;
  });
  const server = await app.listen(Number(process.env.PORT ?? 5000), process.env.HOST ?? '127.0.0.1');
  server.server.once('close', () => void setup.close());
  console.log(`worker ${worker} serving ${server.url}/ with SESSION_TYPE=${setup.type} (${setup.where})`);
}
