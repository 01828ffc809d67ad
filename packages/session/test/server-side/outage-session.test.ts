/**
 * OutageSession, the session of SESSION_OUTAGE_READONLY: every way to change it
 * throws the request's 503 (with its Retry-After), and every way to read it
 * either sees an empty session (read-only) or throws too (fail-on-use).
 */
import { ServiceUnavailable } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { OutageSession } from '../../src/server-side/outage-session.js';
import { StoreUnavailableError } from '../../src/stores/errors.js';

const cause = new StoreUnavailableError('redis', 'no answer within 2000 ms');
const failure = new ServiceUnavailable('The session store is unavailable.', { cause, retryAfter: 7 });

function refused(fn: () => unknown, what: 'read' | 'changed'): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ServiceUnavailable);
  const e = thrown as ServiceUnavailable;
  expect([e.status, e.headers['Retry-After'], e.cause]).toEqual([503, '7', cause]);
  expect(e.description).toBe(`The session store is unavailable, so the session cannot be ${what}. Please try again in a moment.`);
}

const writes: Array<[string, (s: OutageSession) => unknown]> = [
  ['set', (s) => s.set('user', 'mallory')],
  ['setdefault', (s) => s.setdefault('cart', [])],
  ['permanent = false', (s) => (s.permanent = false)],
  ['clear', (s) => s.clear()],
  ['regenerate', (s) => s.regenerate()],
  ['destroy', (s) => s.destroy()],
];

const reads: Array<[string, (s: OutageSession) => unknown]> = [
  ['get', (s) => s.get('user')],
  ['has', (s) => s.has('user')],
  ['keys', (s) => [...s.keys()]],
  ['values', (s) => [...s.values()]],
  ['entries', (s) => [...s.entries()]],
  ['iteration', (s) => [...s]],
  ['size', (s) => s.size],
  ['permanent', (s) => s.permanent],
  ['toObject', (s) => s.toObject()],
  ['toMap', (s) => s.toMap()],
  ['delete', (s) => s.delete('user')],
  ['pop', (s) => s.pop('user')],
];

describe('OutageSession', () => {
  it.each(writes)('refuses %s, read-only or not, and stays unmodified', (_name, write) => {
    for (const readable of [true, false]) {
      const s = new OutageSession('sid', failure, readable);
      refused(() => write(s), 'changed');
      expect(s.modified).toBe(false);
    }
  });

  it.each(reads)('read-only: %s sees an empty session', (_name, read) => {
    const s = new OutageSession('sid', failure, true);
    expect(() => read(s)).not.toThrow();
    expect([s.size, s.get('user'), s.get('user', 'x'), s.toObject(), s.permanent]).toEqual([0, undefined, 'x', {}, false]);
  });

  it.each(reads)('fail-on-use: %s throws the 503', (_name, read) => {
    refused(() => read(new OutageSession('sid', failure, false)), 'read');
  });

  it('keeps the id of the cookie, is not new, and says why it is empty', () => {
    const s = new OutageSession('the-sid', failure, true);
    expect([s.sid, s.isNew, s.storeUnavailable, s.readable]).toEqual(['the-sid', false, true, true]);
  });
});
