/** Checks shared by the outage tests: what a request answers while the store is down. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppTestClient, TestResponse } from '@micro/core';
import { expect } from 'vitest';
import { session } from '../../src/index.js';
import { COOKIE, login, sidOf, type TestApp } from './app.js';

/** 503 with a short message, exactly one log line naming the store (no id, no data), no Set-Cookie. */
export function expectStoreOutage(app: TestApp, r: TestResponse, storeName: string, logsBefore: number, secrets: string[]): void {
  expect(r.status).toBe(503);
  expect(r.text).toContain('The session store is unavailable');
  expect(r.headers.getSetCookie()).toEqual([]);
  const lines = app.logs.error.slice(logsBefore);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`Session store '${storeName}' is unavailable`);
  expect(lines[0]).not.toContain('\n');
  for (const secret of secrets) expect(lines[0]).not.toContain(secret);
  expect(lines[0]).not.toMatch(/[0-9a-f]{64}/); // stores key records by a SHA-256 of the id: no hash either
}

/** Retry `path` until it stops answering 503 (the client reconnects on its own). */
export async function untilServing(client: AppTestClient, path: string): Promise<TestResponse> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await client.get(path);
    if (r.status !== 503 || Date.now() > deadline) return r;
    await sleep(100);
  }
}

export interface OutageScenario {
  app: TestApp;
  /** The store's name in the log line, e.g. `redis`. */
  storeName: string;
  /** Take the store away (kill it, cut the network, break its directory). */
  cut(): Promise<void>;
  /** Bring it back with its data. */
  restore(): Promise<void>;
  /** More checks while the store is away, given the logged-in client's cookie. */
  whileDown?(cookie: string): Promise<void>;
}

/**
 * The outage every server-side store must survive, driven over HTTP: log in;
 * the store goes away between opening a session and saving it, then stays away
 * for reads, writes and a logout. Each answer is a 503 with one log line and no
 * cookie; the client keeps its cookie, nothing is written over the stored
 * session, and once the store is back the same session is served again.
 */
export async function runOutageScenario({ app, storeName, cut, restore, whileDown }: OutageScenario): Promise<void> {
  app.post('/write-after-cut', async function writeAfterCut() {
    await cut();
    session.set('lost', true);
    return 'written?';
  });
  const client = app.testClient();
  const sid = await login(client);
  const cookie = client.cookies.get(COOKIE)!;
  const stored = await app.store.inner.get(sid);
  expect(stored).toEqual({ _permanent: true, username: 'alice' });

  // Saving fails: the store went away after the session was opened.
  let logs = app.logs.error.length;
  expectStoreOutage(app, await client.post('/write-after-cut'), storeName, logs, [sid, 'alice']);

  // Opening fails: reads, writes and a logout while the store is away.
  for (const request of [() => client.get('/'), () => client.post('/set?key=k&value=v'), () => client.post('/logout')]) {
    logs = app.logs.error.length;
    expectStoreOutage(app, await request(), storeName, logs, [sid, 'alice']);
  }
  expect(client.cookies.get(COOKIE)).toBe(cookie);
  await whileDown?.(cookie);

  await restore();
  const back = await untilServing(client, '/');
  expect(back.status).toBe(200);
  expect(back.text).toBe('alice');
  expect(sidOf(client)).toBe(sid);
  // Nothing written during the outage, nothing written over the session.
  expect(await app.store.inner.get(sid)).toEqual(stored);
}
