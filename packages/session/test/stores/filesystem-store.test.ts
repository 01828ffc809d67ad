import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../src/stores/errors.js';
import { FileSystemStore } from '../../src/stores/filesystem-store.js';
import { runStoreContract } from './contract.js';

const fileName = (id: string) => createHash('sha256').update(id).digest('hex') + '.session';
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'micro-fs-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStoreContract('FileSystemStore', {
  async create(serializer) {
    let now = 1_700_000_000_000;
    const store = new FileSystemStore({ dir: join(tempDir(), 'sessions'), serializer, now: () => now, threshold: 0 });
    return { store, advance: (ms) => (now += ms) };
  },
});

describe('FileSystemStore on disk', () => {
  it('writes files with SESSION_FILE_MODE, hashed names, and no temp or lock files left behind', async () => {
    const dir = tempDir();
    const store = new FileSystemStore({ dir, mode: 0o640 });
    await store.set('../escape', { a: 1 }, 60_000);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.apply('../escape', { set: { [`k${i}`]: i }, delete: [] }, 60_000)));
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{64}\.session$/);
    expect(statSync(join(dir, names[0]!)).mode & 0o777).toBe(0o640);
  });

  it('keeps at most SESSION_FILE_THRESHOLD files, evicting expired then least recently written', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const store = new FileSystemStore({ dir, threshold: 3, now: () => now });
    await store.set('expired', { x: 1 }, 10);
    await store.set('old', { x: 2 }, 60_000);
    await store.set('mid', { x: 3 }, 60_000);
    now += 100; // 'expired' is now past its lifetime
    // Give the files distinct ages, as real traffic would: 'old' was written first.
    for (const [id, age] of [['expired', 3], ['old', 2], ['mid', 1]] as const) {
      const when = new Date(Date.now() - age * 60_000);
      utimesSync(join(dir, fileName(id)), when, when);
    }
    await store.set('new1', { x: 4 }, 60_000); // 4 files > 3: the expired one goes
    expect(await store.get('old')).toEqual({ x: 2 });
    await store.set('new2', { x: 5 }, 60_000); // the least recently written ('old') goes
    expect(readdirSync(dir).filter((n) => n.endsWith('.session'))).toHaveLength(3);
    expect(await store.get('old')).toBeNull();
    for (const id of ['mid', 'new1', 'new2']) expect(await store.get(id)).not.toBeNull();
  });

  it('two store instances on one directory (as two processes would) still merge concurrent applies', async () => {
    const dir = tempDir();
    const a = new FileSystemStore({ dir });
    const b = new FileSystemStore({ dir });
    await a.set('shared', {}, 60_000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).apply('shared', { set: { [`k${i}`]: i }, delete: [] }, 60_000)));
    expect(Object.keys((await a.get('shared')) ?? {})).toHaveLength(40);
  });

  it('breaks a stale lock left by a crashed process, but waits for and then gives up on a live one', async () => {
    const dir = tempDir();
    const store = new FileSystemStore({ dir, lockStaleMs: 5_000, lockTimeoutMs: 300 });
    await store.set('locked', { a: 1 }, 60_000);
    const [name] = readdirSync(dir);
    const lock = join(dir, `${name}.lock`);

    writeFileSync(lock, '');
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await store.apply('locked', { set: { b: 2 }, delete: [] }, 60_000);
    expect(await store.get('locked')).toEqual({ a: 1, b: 2 });

    writeFileSync(lock, ''); // fresh: another process is mid-write
    await expect(store.apply('locked', { set: { c: 3 }, delete: [] }, 60_000)).rejects.toBeInstanceOf(StoreConflictError);
    expect(await store.get('locked')).toEqual({ a: 1, b: 2 });
    rmSync(lock);
  });

  it('treats a corrupt or foreign file as no session', async () => {
    const dir = tempDir();
    const store = new FileSystemStore({ dir });
    await store.set('x', { a: 1 }, 60_000);
    const [name] = readdirSync(dir);
    writeFileSync(join(dir, name!), 'garbage without a header');
    expect(await store.get('x')).toBeNull();
  });
});
