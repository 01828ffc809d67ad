/**
 * Outage checks shared by the PostgreSQL and MariaDB tests: the store talks to
 * the real server through a TcpProxy the test can cut and restore.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/stores/errors.js';
import { SqlStore } from '../../src/stores/sql-store.js';
import { uniqueTable } from './sql-fixtures.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const TIMEOUT_MS = 1000;
const HANG_BOUND_MS = 5 * TIMEOUT_MS; // liveness ("does not hang"), not a speed target

export async function expectUnavailable(op: Promise<unknown>, store: string): Promise<number> {
  const started = Date.now();
  const err = await op.then(
    () => new Error('expected the call to fail during the outage'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreUnavailableError);
  expect((err as StoreUnavailableError).store).toBe(store);
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(HANG_BOUND_MS);
  return elapsed;
}

export async function eventually<T>(op: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

export interface KnexThroughProxy {
  readonly proxy: TcpProxy;
  readonly knex: Knex;
  readonly table: string;
}

/**
 * For the enclosing describe block: a TcpProxy in front of the server, a knex
 * pool that reaches it only through the proxy (short acquire timeout, so a cut
 * path fails fast) and a table name of its own, dropped afterwards.
 */
export function knexThroughProxy(target: { host: string; port: number }, config: (port: number) => Knex.Config, tablePrefix: string): KnexThroughProxy {
  const handle = { table: uniqueTable(tablePrefix) } as { proxy: TcpProxy; knex: Knex; table: string };
  beforeAll(async () => {
    handle.proxy = await startTcpProxy(target.host, target.port);
    handle.knex = knexFactory({ ...config(handle.proxy.port), pool: { min: 0, max: 4 }, acquireConnectionTimeout: TIMEOUT_MS });
  });
  afterAll(async () => {
    await handle.proxy?.up();
    await handle.knex?.schema.dropTableIfExists(handle.table).catch(() => {});
    await handle.knex?.destroy();
    await handle.proxy?.close();
  });
  return handle;
}

/** `url` with its host and port replaced by the proxy's, as a knex connection string. */
export function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

export function runSqlOutage(
  label: string,
  dialect: string,
  target: { host: string; port: number },
  config: (port: number) => Knex.Config,
): void {
  describe(`${label}: outage through a cut network path`, () => {
    const path = knexThroughProxy(target, config, dialect);
    let proxy: TcpProxy;
    let store: SqlStore;
    beforeAll(() => {
      proxy = path.proxy;
      store = new SqlStore({ knex: path.knex, table: path.table, queryTimeoutMs: TIMEOUT_MS });
    });

    it('fails fast with StoreUnavailableError while down, leaves data untouched, and recovers', async () => {
      await store.set('s1', { user: 'alice', n: 1 }, 60_000);
      await proxy.down();
      const timings = [
        await expectUnavailable(store.get('s1'), store.name),
        await expectUnavailable(store.apply('s1', { set: { n: 2 }, delete: ['user'] }, 60_000), store.name),
        await expectUnavailable(store.touch('s1', 60_000), store.name),
      ];
      console.info(`[${store.name} outage: refused] rejections took ${timings.join(', ')} ms`);
      await proxy.up();
      expect(await eventually(() => store.get('s1'))).toEqual({ user: 'alice', n: 1 });
    });

    it('times out with StoreUnavailableError when the server stops answering', async () => {
      await store.set('s2', { a: 1 }, 60_000);
      proxy.blackhole();
      const elapsed = await expectUnavailable(store.get('s2'), store.name);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      await proxy.down(); // drop the silent connections so the pool starts fresh
      await proxy.up();
      expect(await eventually(() => store.get('s2'))).toEqual({ a: 1 });
    });
  });
}
