/**
 * The contract every SessionStore must keep, run against each implementation by
 * one small *.test.ts per store. Stores with a controllable clock get exact
 * expiry tests; stores on the server's clock (Redis, Memcached) use short real TTLs.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionChanges, SessionStore } from '../../src/stores/store.js';
import type { Serializer } from '../../src/stores/serializers.js';
import { jsonSerializer, msgpackSerializer } from '../../src/stores/serializers.js';

export interface ContractHarness {
  store: SessionStore;
  /** Move the store's clock forward. Absent when the server keeps time (native TTL). */
  advance?: (ms: number) => void;
  /** Close whatever the factory opened (clients, pools, temp dirs). */
  teardown?: () => Promise<void>;
}

export interface ContractOptions {
  create(serializer: Serializer): Promise<ContractHarness>;
  /** For native-TTL stores: a short TTL to test with, and how long past it the record is surely gone. */
  realTtl?: { ttlMs: number; graceMs: number };
  /** Concurrent applies fired at one session. Default 50. */
  concurrency?: number;
}

const LONG_TTL = 60 * 60 * 1000; // 1 h: never reached during a test

/** Session ids look like tokens in real use; odd ones check that stores escape them. */
const newId = () => `sid-${randomUUID()}`;

export function runStoreContract(label: string, options: ContractOptions): void {
  describe(`${label}: SessionStore contract`, () => {
    let h: ContractHarness;
    let store: SessionStore;
    beforeAll(async () => {
      h = await options.create(jsonSerializer);
      store = h.store;
    });
    afterAll(async () => {
      await h?.teardown?.();
    });

    // Real-clock expiry tests only wait; run them side by side so a suite costs one wait, not five.
    const timed = options.realTtl ? it.concurrent : it;
    const shortTtl = () => (h.advance ? 10_000 : options.realTtl?.ttlMs ?? 1000);
    /** Let a record written with shortTtl() expire, on whichever clock the store uses. */
    const expireShort = async () => {
      if (h.advance) h.advance(shortTtl() + 1);
      else await sleep(shortTtl() + (options.realTtl?.graceMs ?? 1000));
    };

    it('has a name for log lines', () => {
      expect(store.name).toMatch(/^[a-z]/);
    });

    it('returns null for an unknown id', async () => {
      expect(await store.get(newId())).toBeNull();
    });

    it('stores and returns a record of many value types', async () => {
      const id = newId();
      const data = {
        user: 'alice',
        n: 42,
        pi: 3.5,
        ok: true,
        nothing: null,
        list: [1, 'two', { three: 3 }],
        nested: { deep: { deeper: ['x'] } },
        text: 'héllo ✓ 日本 \u0000 "quotes"',
      };
      await store.set(id, data, LONG_TTL);
      expect(await store.get(id)).toEqual(data);
    });

    it('keeps an empty session distinct from a missing one', async () => {
      const id = newId();
      await store.set(id, {}, LONG_TTL);
      expect(await store.get(id)).toEqual({});
    });

    it('keeps awkward keys as plain own keys', async () => {
      const id = newId();
      const data: Record<string, unknown> = { 'a.b': 1, $x: 2, '~': 3, 'k:y': 4, constructor: 5, '': 6 };
      Object.defineProperty(data, '__proto__', { value: 7, enumerable: true, writable: true, configurable: true });
      await store.set(id, data, LONG_TTL);
      const got = await store.get(id);
      expect(got).not.toBeNull();
      expect(Object.keys(got!).sort()).toEqual(Object.keys(data).sort());
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      for (const key of Object.keys(data)) expect(Object.getOwnPropertyDescriptor(got, key)?.value).toBe(data[key]);
      await store.apply(id, { set: { 'a.b': 10, __proto__x: 1 }, delete: ['$x'] }, LONG_TTL);
      const after = await store.get(id);
      expect(after?.['a.b']).toBe(10);
      expect(after && '$x' in after).toBe(false);
    });

    it('keeps ids apart, including ids with path and glob characters', async () => {
      const ids = ['../../etc/passwd', 'a/b', 'a*', 'a b', 'ü', newId()];
      await Promise.all(ids.map((id, i) => store.set(id + label, { i }, LONG_TTL)));
      for (const [i, id] of ids.entries()) expect(await store.get(id + label)).toEqual({ i });
      await Promise.all(ids.map((id) => store.destroy(id + label)));
      for (const id of ids) expect(await store.get(id + label)).toBeNull();
    });

    it('set replaces the whole record', async () => {
      const id = newId();
      await store.set(id, { a: 1, b: 2 }, LONG_TTL);
      await store.set(id, { c: 3 }, LONG_TTL);
      expect(await store.get(id)).toEqual({ c: 3 });
    });

    it('destroy removes the record, and is a no-op for unknown ids', async () => {
      const id = newId();
      await store.set(id, { a: 1 }, LONG_TTL);
      await store.destroy(id);
      expect(await store.get(id)).toBeNull();
      await expect(store.destroy(newId())).resolves.toBeUndefined();
    });

    it('apply merges sets and deletes into the stored record', async () => {
      const id = newId();
      await store.set(id, { keep: 1, change: 'old', drop: true }, LONG_TTL);
      await store.apply(id, { set: { change: 'new', add: [1] }, delete: ['drop', 'never-there'] }, LONG_TTL);
      expect(await store.get(id)).toEqual({ keep: 1, change: 'new', add: [1] });
    });

    it('apply creates a missing record; a key both set and deleted ends up set', async () => {
      const id = newId();
      await store.apply(id, { set: { a: 1 }, delete: ['a', 'b'] }, LONG_TTL);
      expect(await store.get(id)).toEqual({ a: 1 });
    });

    it('rejects a non-positive TTL before writing', async () => {
      const id = newId();
      await expect(store.set(id, { a: 1 }, 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.apply(id, { set: { a: 1 }, delete: [] }, -5)).rejects.toBeInstanceOf(RangeError);
      expect(await store.get(id)).toBeNull();
    });

    timed('never returns an expired record', async () => {
      const id = newId();
      await store.set(id, { a: 1 }, shortTtl());
      await expireShort();
      expect(await store.get(id)).toBeNull();
    });

    timed('apply after expiry starts from an empty record (old keys do not come back)', async () => {
      const id = newId();
      await store.set(id, { old: 1 }, shortTtl());
      await expireShort();
      await store.apply(id, { set: { fresh: 2 }, delete: [] }, LONG_TTL);
      expect(await store.get(id)).toEqual({ fresh: 2 });
    });

    timed('touch extends the lifetime without changing the data', async () => {
      const id = newId();
      await store.set(id, { a: 1 }, shortTtl());
      await store.touch(id, LONG_TTL);
      await expireShort();
      expect(await store.get(id)).toEqual({ a: 1 });
    });

    timed('touch can also shorten the lifetime', async () => {
      const id = newId();
      await store.set(id, { a: 1 }, LONG_TTL);
      await store.touch(id, shortTtl());
      await expireShort();
      expect(await store.get(id)).toBeNull();
    });

    it('touch does not create a record for an unknown id', async () => {
      const id = newId();
      await store.touch(id, LONG_TTL);
      expect(await store.get(id)).toBeNull();
    });

    timed('apply resets the lifetime', async () => {
      const id = newId();
      await store.set(id, { a: 1 }, shortTtl());
      await store.apply(id, { set: { b: 2 }, delete: [] }, LONG_TTL);
      await expireShort();
      expect(await store.get(id)).toEqual({ a: 1, b: 2 });
    });

    it('concurrent applies on one session that touch different keys all survive', async () => {
      const n = options.concurrency ?? 50;
      const id = newId();
      const initial: Record<string, unknown> = { base: 'kept' };
      for (let i = 0; i < n; i += 5) initial[`del${i}`] = i;
      await store.set(id, initial, LONG_TTL);
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const changes: SessionChanges = { set: { [`k${i}`]: i }, delete: i % 5 === 0 ? [`del${i}`] : [] };
          return store.apply(id, changes, LONG_TTL);
        }),
      );
      const expected: Record<string, unknown> = { base: 'kept' };
      for (let i = 0; i < n; i++) expected[`k${i}`] = i;
      expect(await store.get(id)).toEqual(expected);
    });

    it('concurrent applies creating the same new session all survive', async () => {
      const n = Math.min(20, options.concurrency ?? 50);
      const id = newId();
      await Promise.all(Array.from({ length: n }, (_, i) => store.apply(id, { set: { [`c${i}`]: i }, delete: [] }, LONG_TTL)));
      const got = await store.get(id);
      expect(Object.keys(got ?? {}).sort()).toEqual(Array.from({ length: n }, (_, i) => `c${i}`).sort());
    });

    it('concurrent applies to the same key: last writer wins, nothing else is lost', async () => {
      const n = 20;
      const id = newId();
      await store.set(id, { other: 'x' }, LONG_TTL);
      await Promise.all(Array.from({ length: n }, (_, i) => store.apply(id, { set: { same: i, [`own${i}`]: true }, delete: [] }, LONG_TTL)));
      const got = await store.get(id);
      expect(got?.other).toBe('x');
      expect(Array.from({ length: n }, (_, i) => i)).toContain(got?.same);
      for (let i = 0; i < n; i++) expect(got?.[`own${i}`]).toBe(true);
    });

    it('cleanup deletes expired records only and counts them', async (ctx) => {
      if (!store.cleanup) return ctx.skip(); // native-TTL stores have nothing to clean
      await store.cleanup(); // start from a table without expired leftovers of earlier tests
      const dead = [newId(), newId(), newId()];
      const live = [newId(), newId()];
      for (const id of dead) await store.set(id, { dead: true }, shortTtl());
      for (const id of live) await store.set(id, { live: true }, LONG_TTL);
      await expireShort();
      const removed = await store.cleanup();
      expect(removed).toBeGreaterThanOrEqual(dead.length);
      if (h.advance) expect(removed).toBe(dead.length);
      for (const id of dead) expect(await store.get(id)).toBeNull();
      for (const id of live) expect(await store.get(id)).toEqual({ live: true });
      if (h.advance) expect(await store.cleanup()).toBe(0);
    });
  });

  describe(`${label}: with the msgpack serializer`, () => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await options.create(msgpackSerializer);
    });
    afterAll(async () => {
      await h?.teardown?.();
    });

    it('round-trips binary values and merges applies', async () => {
      const id = newId();
      const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);
      await h.store.set(id, { bytes, n: 1, s: 'ß' }, LONG_TTL);
      await h.store.apply(id, { set: { n: 2 }, delete: ['s'] }, LONG_TTL);
      const got = await h.store.get(id);
      expect(got?.n).toBe(2);
      expect(got && 's' in got).toBe(false);
      expect(Buffer.from(got?.bytes as Uint8Array).equals(Buffer.from(bytes))).toBe(true);
    });
  });
}
