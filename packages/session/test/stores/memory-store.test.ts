import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/stores/memory-store.js';
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
