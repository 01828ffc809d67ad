import { describe, expect, it } from 'vitest';
import { SessionUnavailableError } from '../src/errors.js';
import { NullSession } from '../src/null-session.js';
import { Session } from '../src/session.js';
import { dumps } from '../src/tagged-json.js';
import { tuple } from '../src/tuple.js';

interface Shape {
  username?: string;
  visits?: number;
  cart?: { items: string[]; meta: { total: number } };
}

describe('Session', () => {
  it('is a typed dict with Flask flags', () => {
    const s = new Session<Shape>();
    expect(s.isNew).toBe(true);
    expect(s.modified).toBe(false);
    expect(s.accessed).toBe(false);
    expect(s.get('username')).toBeUndefined();
    expect(s.accessed).toBe(true);
    expect(s.modified).toBe(false);
    expect(s.get('visits', 0)).toBe(0);
    s.set('username', 'ann').set('visits', 1);
    expect(s.modified).toBe(true);
    expect([...s.keys()]).toEqual(['username', 'visits']);
    expect([...s.values()]).toEqual(['ann', 1]);
    expect([...s]).toEqual([['username', 'ann'], ['visits', 1]]);
    expect(s.size).toBe(2);
    expect(s.has('visits')).toBe(true);
    expect(s.setdefault('visits', 5)).toBe(1);
    expect(s.pop('visits')).toBe(1);
    expect(s.pop('visits', 9)).toBe(9);
    expect(s.delete('visits')).toBe(false);
    expect(s.delete('username')).toBe(true);
    expect(s.size).toBe(0);
  });

  it('only marks real changes, as Flask', () => {
    const s = new Session<Shape>({ username: 'ann' });
    expect(s.isNew).toBe(false);
    s.get('username');
    s.delete('missing');
    s.pop('missing', undefined);
    s.setdefault('username', 'bob');
    expect(s.modified).toBe(false);
    s.setdefault('visits', 1);
    expect(s.modified).toBe(true);
    expect([...s.changedKeys()]).toEqual(['visits']);
  });

  it('tracks changed and deleted keys for per-key saves', () => {
    const s = new Session({ a: 1, b: 2, c: 3 });
    s.set('a', 10);
    s.delete('b');
    s.pop('c');
    s.set('c', 4);
    expect([...s.changedKeys()].sort()).toEqual(['a', 'c']);
    expect([...s.deletedKeys()]).toEqual(['b']);
    s.clear();
    expect([...s.changedKeys()]).toEqual([]);
    expect([...s.deletedKeys()].sort()).toEqual(['a', 'b', 'c']);
    expect(new Session().modified).toBe(false);
    const empty = new Session();
    empty.clear();
    expect(empty.modified).toBe(true);
  });

  it('stores permanent under _permanent', () => {
    const s = new Session();
    expect(s.permanent).toBe(false);
    s.permanent = true;
    expect(s.get('_permanent')).toBe(true);
    expect(dumps(s.toMap())).toBe('{"_permanent":true}');
    expect(new Session({ _permanent: true }).permanent).toBe(true);
  });

  it('detects changes inside nested values', () => {
    const s = new Session<Shape>({ cart: { items: ['a'], meta: { total: 1 } }, username: 'ann' });
    s.get('cart')!.items.push('b');
    expect(s.modified).toBe(true);
    expect([...s.changedKeys()]).toEqual(['cart']);
    expect(dumps(s.toMap())).toBe('{"cart":{"items":["a","b"],"meta":{"total":1}},"username":"ann"}');

    const t = new Session<Shape>({ cart: { items: [], meta: { total: 1 } } });
    t.get('cart')!.meta.total = 2;
    expect([...t.changedKeys()]).toEqual(['cart']);
    const u = new Session<Shape>({ cart: { items: ['x'], meta: { total: 1 } } });
    delete (u.get('cart')!.meta as Partial<{ total: number }>).total;
    expect(u.modified).toBe(true);
  });

  it('does not mark reads of nested values, and returns the same proxy each time', () => {
    const s = new Session<Shape>({ cart: { items: ['a'], meta: { total: 1 } } });
    const cart = s.get('cart')!;
    expect(cart.items.length).toBe(1);
    expect(cart.items.includes('a')).toBe(true);
    expect(JSON.stringify(cart)).toBe('{"items":["a"],"meta":{"total":1}}');
    expect(s.get('cart')).toBe(cart);
    expect(s.modified).toBe(false);
  });

  it('stores the object, not the proxy, when a tracked value is set again', () => {
    const s = new Session<Record<string, { n: number }>>({ a: { n: 1 } });
    const proxy = s.get('a')!;
    s.set('b', proxy);
    expect(s.toMap().get('b')).toBe(s.toMap().get('a'));
    expect(s.toMap().get('b')).not.toBe(proxy);
  });

  it('does not wrap frozen values such as tuples', () => {
    const t = tuple('message', 'hi');
    const s = new Session({ _flashes: [t] });
    const flashes = s.get('_flashes') as unknown[];
    expect(flashes[0]).toBe(t);
  });

  it('serialising names the key of a bad value', () => {
    const s = new Session();
    s.set('callback', () => 1);
    expect(() => dumps(s.toMap())).toThrow(/"callback"/);
  });
});

describe('NullSession', () => {
  const message =
    'The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.';

  it('reads like an empty session and refuses every write', () => {
    const s = new NullSession<Shape>();
    expect(s.get('username')).toBeUndefined();
    expect(s.get('visits', 3)).toBe(3);
    expect(s.size).toBe(0);
    expect(s.permanent).toBe(false);
    const writes: (() => unknown)[] = [
      () => s.set('username', 'x'),
      () => s.delete('username'),
      () => s.pop('username'),
      () => s.setdefault('username', 'x'),
      () => s.clear(),
      () => {
        s.permanent = true;
      },
    ];
    for (const w of writes) {
      expect(w).toThrow(SessionUnavailableError);
      expect(w).toThrow(message);
    }
    expect(s.modified).toBe(false);
  });
});
