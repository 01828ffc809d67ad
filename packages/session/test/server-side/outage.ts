/** Checks shared by the outage tests: what a request answers while the store is down. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppTestClient, TestResponse } from '@micro/core';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

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
