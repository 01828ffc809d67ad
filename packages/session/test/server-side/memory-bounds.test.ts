/**
 * The memory store under a flood (issue 18): logins with huge usernames and
 * floods of new sessions. Its bytes stay under SESSION_MEMORY_MAX_BYTES by its
 * own accounting, the least recently used sessions go first (an active user
 * stays, an idle one may go: what an attacker can do), and a session over
 * SESSION_MEMORY_MAX_RECORD_BYTES answers 413 without touching the stored one.
 */
import { DEFAULT_CONFIG } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { MEMORY_STORE_DEFAULTS, MemoryStore } from '../../src/stores/memory-store.js';
import { COOKIE, login, serverSideApp, sidOf } from './app.js';

function memoryApp(config: Record<string, unknown> = {}) {
  const app = serverSideApp((a) => (a.config.SESSION_TYPE = 'memory'), config);
  return { app, store: app.store.inner as MemoryStore };
}

describe('memory store bounds (SESSION_TYPE memory)', () => {
  it('has documented defaults: 10 000 sessions, 64 MiB, 1 MiB per session', () => {
    expect([DEFAULT_CONFIG.SESSION_MEMORY_THRESHOLD, DEFAULT_CONFIG.SESSION_MEMORY_MAX_BYTES, DEFAULT_CONFIG.SESSION_MEMORY_MAX_RECORD_BYTES]).toEqual([
      10_000,
      64 * 1024 * 1024,
      1024 * 1024,
    ]);
    expect(MEMORY_STORE_DEFAULTS).toEqual({ max: 10_000, maxBytes: 64 * 1024 * 1024, maxRecordBytes: 1024 * 1024 });
  });

  it('stays under SESSION_MEMORY_MAX_BYTES through a flood of logins with large usernames; an active user stays logged in', async () => {
    const maxBytes = 512 * 1024;
    const { app, store } = memoryApp({ SESSION_MEMORY_MAX_BYTES: maxBytes });
    const user = app.testClient();
    await login(user, 'alice');
    const idle = app.testClient();
    await login(idle, 'bob');

    let peak = 0;
    for (let i = 0; i < 200; i++) {
      await login(app.testClient(), `mallory-${i}-${'m'.repeat(20_000)}`);
      peak = Math.max(peak, store.bytes);
      if (i % 10 === 0) expect((await user.get('/')).text).toBe('alice'); // alice keeps using the site
    }
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(store.size).toBeLessThan(30); // 200 logins of ~20 kB each did not all stay
    expect((await user.get('/')).text).toBe('alice');
    // What the bound cannot prevent: an idle session is the least recently used, and went.
    expect((await idle.get('/')).text).toBe('anonymous');
  });

  it('evicts by count too (SESSION_MEMORY_THRESHOLD)', async () => {
    const { app, store } = memoryApp({ SESSION_MEMORY_THRESHOLD: 5 });
    for (let i = 0; i < 12; i++) await login(app.testClient(), `user-${i}`);
    expect(store.size).toBe(5);
  });

  it('answers 413 to a session over SESSION_MEMORY_MAX_RECORD_BYTES, with one warning, and keeps the stored session and cookie', async () => {
    const { app, store } = memoryApp({ SESSION_MEMORY_MAX_RECORD_BYTES: 50_000 });
    const client = app.testClient();
    const sid = await login(client, 'alice');
    const cookie = client.cookies.get(COOKIE);
    const bytesBefore = store.bytes;
    const warnings = app.logs.warn.length;
    const errors = app.logs.error.length;

    const r = await client.post('/login', { form: { username: 'x'.repeat(80_000) } });
    expect(r.status).toBe(413);
    expect(r.headers.getSetCookie()).toEqual([]);
    const lines = app.logs.warn.slice(warnings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/exceeds the 'memory' store's limit of 50000 bytes per session/);
    expect(lines[0]).not.toContain(sid!);
    expect(lines[0]).not.toContain('xxxx');
    expect(app.logs.error.length).toBe(errors);

    expect(client.cookies.get(COOKIE)).toBe(cookie);
    expect(sidOf(client)).toBe(sid);
    expect((await client.get('/')).text).toBe('alice');
    expect(store.bytes).toBe(bytesBefore);
  });
});
