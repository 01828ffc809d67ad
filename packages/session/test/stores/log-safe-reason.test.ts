import { describe, expect, it } from 'vitest';
import { logSafeReason } from '../../src/stores/log-safe-reason.js';

/** An error as knex leaves it: the statement, values inlined, in front of the driver's message. */
function knexError(driverMessage: string, props: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`insert into "sessions" ("data", "id") values ('{"user":"secret"}', 'abc123') - ${driverMessage}`), props);
}

describe('logSafeReason', () => {
  it.each([
    [knexError('database is locked', { code: 'SQLITE_BUSY' }), 'SQLITE_BUSY: database is locked'],
    [knexError('terminating connection due to administrator command', { code: '57P01' }), '57P01: terminating connection due to administrator command'],
    [knexError('Connection terminated unexpectedly'), 'Connection terminated unexpectedly'],
    [knexError('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST' }), 'PROTOCOL_CONNECTION_LOST: Connection lost'],
    [knexError('duplicate key value violates unique constraint "sessions_pkey"', { code: '23505' }), '23505'],
    [knexError('something new and unknown'), 'unknown error'],
    [Object.assign(new Error("ENOTDIR: not a directory, open '/srv/s/0123abcd.session'"), { code: 'ENOTDIR', syscall: 'open' }), 'ENOTDIR (open)'],
    [Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }), 'KnexTimeoutError: Timeout acquiring a connection'],
  ])('%s → %s', (err, expected) => {
    const reason = logSafeReason(err);
    expect(reason).toBe(expected);
    expect(reason).not.toMatch(/secret|abc123|insert|0123abcd/);
  });

  it('says nothing of a value that is not an Error', () => {
    expect(logSafeReason({ message: 'secret' })).toBe('unknown error');
    expect(logSafeReason('secret')).toBe('unknown error');
  });
});
