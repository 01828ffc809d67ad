/**
 * The pure parts of SESSION_ABSOLUTE_LIFETIME (src/absolute-lifetime.ts): how
 * `_created` is taken out of loaded data, where the limit falls, and the
 * delta that carries it to a store.
 */
import { App } from '@micro/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CREATED_KEY,
  capAtAbsoluteLimit,
  changesWithCreatedAt,
  openWithinAbsoluteLifetime,
  stampCreatedAt,
  withCreatedAt,
} from '../src/absolute-lifetime.js';
import { Session } from '../src/index.js';

const NOW = 1_767_258_000; // whole seconds
const app = (limit: number | null) => new App({ config: { SESSION_ABSOLUTE_LIFETIME: limit } });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 + 400 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('openWithinAbsoluteLifetime', () => {
  it('takes _created out of a copy (a cache or store may share the loaded object) and keeps every other key', () => {
    const loaded = JSON.parse(`{"${CREATED_KEY}": ${NOW - 10}, "user": "ada", "__proto__": "a key, not a prototype"}`) as Record<string, unknown>;
    const opened = openWithinAbsoluteLifetime(app(60), loaded)!;
    expect(opened.createdAt).toBe(NOW - 10);
    expect(Object.keys(opened.data)).toEqual(['user', '__proto__']);
    expect(Object.getPrototypeOf(opened.data)).toBe(Object.prototype);
    expect(loaded[CREATED_KEY]).toBe(NOW - 10);
  });

  it('ends the session when its age reaches the limit (whole seconds: never later than the limit)', () => {
    expect(openWithinAbsoluteLifetime(app(60), { [CREATED_KEY]: NOW - 59 })).not.toBeNull();
    expect(openWithinAbsoluteLifetime(app(60), { [CREATED_KEY]: NOW - 60 })).toBeNull();
    expect(openWithinAbsoluteLifetime(app(0.5), { [CREATED_KEY]: NOW })).not.toBeNull();
    expect(openWithinAbsoluteLifetime(app(0.5), { [CREATED_KEY]: NOW - 1 })).toBeNull();
  });

  it('treats a _created that is not a time as missing (the session gets one on its next save)', () => {
    for (const bad of ['1767258000', -1, 1.5, null, { t: 1 }, Number.MAX_VALUE]) {
      expect(openWithinAbsoluteLifetime(app(60), { [CREATED_KEY]: bad, user: 'ada' }), JSON.stringify(bad)).toEqual({ data: { user: 'ada' }, createdAt: undefined });
    }
  });

  it('with the key off, returns the very object it was given: _created is then ordinary data', () => {
    const loaded = { [CREATED_KEY]: 1, user: 'ada' };
    expect(openWithinAbsoluteLifetime(app(null), loaded)).toEqual({ data: loaded, createdAt: undefined });
    expect(openWithinAbsoluteLifetime(app(null), loaded)!.data).toBe(loaded);
  });
});

describe('stamping and writing the creation time', () => {
  it('stamps once, only with the key set, and adds _created over an app value of the same name', () => {
    const session = new Session({ user: 'ada', [CREATED_KEY]: 'mine' });
    expect(stampCreatedAt(app(null), session)).toBe(false);
    expect(withCreatedAt(app(null), session)).toBe(session.toMap());
    expect(stampCreatedAt(app(60), session)).toBe(true);
    expect(stampCreatedAt(app(60), session)).toBe(false);
    expect(session.createdAt).toBe(NOW);
    expect(Object.fromEntries(withCreatedAt(app(60), session))).toEqual({ user: 'ada', [CREATED_KEY]: NOW });
    expect(session.toObject()).toEqual({ user: 'ada', [CREATED_KEY]: 'mine' }); // the session itself is untouched
  });

  it('regenerate() and destroy() forget the creation time; clear() does not', () => {
    const session = new Session({ user: 'ada' });
    session.createdAt = NOW - 100;
    session.clear();
    expect(session.createdAt).toBe(NOW - 100);
    session.regenerate();
    expect(session.createdAt).toBeUndefined();
    session.createdAt = NOW - 100;
    session.destroy();
    expect(session.createdAt).toBeUndefined();
  });

  it('a store delta carries _created when just stamped, and an app can neither change nor delete it', () => {
    const session = new Session({ user: 'ada' });
    session.createdAt = NOW;
    const plain = { set: { user: 'bob' }, delete: [] };
    expect(changesWithCreatedAt(app(60), session, plain, false)).toBe(plain);
    expect(changesWithCreatedAt(app(60), session, plain, true)).toEqual({ set: { user: 'bob', [CREATED_KEY]: NOW }, delete: [] });
    expect(changesWithCreatedAt(app(60), session, { set: { [CREATED_KEY]: 1 }, delete: [] }, false)).toEqual({ set: { [CREATED_KEY]: NOW }, delete: [] });
    expect(changesWithCreatedAt(app(60), session, { set: {}, delete: [CREATED_KEY, 'x'] }, false)).toEqual({ set: { [CREATED_KEY]: NOW }, delete: ['x'] });
    expect(changesWithCreatedAt(app(null), session, plain, true)).toBe(plain);
  });

  it('caps a lifetime at what is left of the limit, and leaves it alone without one', () => {
    const session = new Session({ user: 'ada' });
    expect(capAtAbsoluteLimit(app(60), session, 3_600_000)).toBe(3_600_000); // no creation time yet
    session.createdAt = NOW - 50;
    expect(capAtAbsoluteLimit(app(60), session, 3_600_000)).toBe(9_600); // 10 s left, 400 ms into this second
    expect(capAtAbsoluteLimit(app(60), session, 5_000)).toBe(5_000);
    expect(capAtAbsoluteLimit(app(null), session, 3_600_000)).toBe(3_600_000);
  });
});
