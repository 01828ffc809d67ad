import { describe, expect, it } from 'vitest';
import { MEMORY_ENTRY_OVERHEAD_BYTES, MemoryStore } from '../../src/stores/memory-store.js';
import { SessionTooLargeError } from '../../src/stores/session-too-large-error.js';
import { runStoreContract } from './contract.js';

runStoreContract('MemoryStore', {
  async create(serializer) {
    let now = 1_700_000_000_000;
    const store = new MemoryStore({ serializer, now: () => now, sweepIntervalMs: 0 });
    return { store, advance: (ms) => (now += ms), teardown: () => store.close() };
  },
});

describe('MemoryStore bounds', () => {
  it('evicts the least recently used session beyond max', async () => {
    const store = new MemoryStore({ max: 3, sweepIntervalMs: 0 });
    for (const id of ['a', 'b', 'c']) await store.set(id, { id }, 60_000);
    await store.get('a'); // a is now the most recently used
    await store.set('d', { id: 'd' }, 60_000);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('a')).toEqual({ id: 'a' });
    expect(store.size).toBe(3);
    await store.close();
  });

  it('sweeps expired sessions on its timer', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now, sweepIntervalMs: 10 });
    await store.set('x', { a: 1 }, 100);
    await store.set('y', { a: 1 }, 10_000);
    now = 200;
    await new Promise((r) => setTimeout(r, 50));
    expect(store.size).toBe(1);
    await store.close();
  });

  it('hands out copies: mutating a returned record does not change the store', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    await store.set('s', { list: [1] }, 60_000);
    const got = await store.get('s');
    (got!.list as number[]).push(2);
    expect(await store.get('s')).toEqual({ list: [1] });
    await store.close();
  });
});

describe('MemoryStore byte bound', () => {
  /** What one session costs against maxBytes (the store's own accounting). */
  const cost = (id: string, data: object) => MEMORY_ENTRY_OVERHEAD_BYTES + Buffer.byteLength(id) + Buffer.byteLength(JSON.stringify(data));

  it('counts each session at its serialised size plus bookkeeping', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    await store.set('a', { name: 'x'.repeat(1000) }, 60_000);
    expect(store.bytes).toBe(cost('a', { name: 'x'.repeat(1000) }));
    await store.apply('a', { set: { name: 'y' }, delete: [] }, 60_000);
    expect(store.bytes).toBe(cost('a', { name: 'y' }));
    await store.destroy('a');
    expect(store.bytes).toBe(0);
    await store.close();
  });

  it('evicts the least recently used beyond maxBytes; a session just read survives', async () => {
    const data = { blob: 'z'.repeat(800) };
    const one = cost('s0', data);
    const store = new MemoryStore({ maxBytes: 4 * one, sweepIntervalMs: 0 });
    for (const id of ['s0', 's1', 's2', 's3']) await store.set(id, data, 60_000);
    expect(store.size).toBe(4);
    await store.get('s0'); // s0 is now the most recently used; s1 the least
    await store.set('s4', data, 60_000);
    expect(store.size).toBe(4);
    expect(await store.get('s1')).toBeNull();
    for (const id of ['s0', 's2', 's3', 's4']) expect(await store.get(id)).toEqual(data);
    await store.close();
  });

  it('never holds more than maxBytes, however many and however large the sessions written', async () => {
    const maxBytes = 256 * 1024;
    const store = new MemoryStore({ maxBytes, maxRecordBytes: 64 * 1024, sweepIntervalMs: 0 });
    let peak = 0;
    for (let i = 0; i < 2000; i++) {
      await store.set(`id-${i}`, { username: 'u'.repeat((i * 7919) % 60_000) }, 60_000);
      peak = Math.max(peak, store.bytes);
    }
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(peak).toBeGreaterThan(maxBytes / 2); // it did fill up: the bound, not the workload, kept it small
    await store.close();
  });

  it('refuses a session over maxRecordBytes with SessionTooLargeError and keeps the stored one and everyone else', async () => {
    const store = new MemoryStore({ maxBytes: 64 * 1024, maxRecordBytes: 8 * 1024, sweepIntervalMs: 0 });
    for (let i = 0; i < 5; i++) await store.set(`other-${i}`, { i }, 60_000);
    await store.set('big', { name: 'small' }, 60_000);
    const huge = 'h'.repeat(10 * 1024);
    for (const write of [() => store.set('big', { name: huge }, 60_000), () => store.apply('big', { set: { name: huge }, delete: [] }, 60_000)]) {
      const err = await write().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SessionTooLargeError);
      expect((err as SessionTooLargeError).status).toBe(413);
      expect((err as SessionTooLargeError).limit).toBe(8 * 1024);
      expect((err as Error).message).not.toContain('big'); // the id is a credential
    }
    expect(await store.get('big')).toEqual({ name: 'small' });
    for (let i = 0; i < 5; i++) expect(await store.get(`other-${i}`)).toEqual({ i });
    await store.close();
  });

  it('caps maxRecordBytes at maxBytes', () => {
    const store = new MemoryStore({ maxBytes: 1000, sweepIntervalMs: 0 });
    expect(store.maxRecordBytes).toBe(1000);
  });
});
