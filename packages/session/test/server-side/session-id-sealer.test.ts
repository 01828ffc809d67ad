import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionIdSealer } from '../../src/server-side/session-id-sealer.js';
import { sessionIdHash } from '../../src/server-side/index.js';

const SID = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

describe('SessionIdSealer', () => {
  it('opens what it sealed, and the sealed text does not contain the id', () => {
    const sealer = new SessionIdSealer(['secret']);
    const sealed = sealer.seal(SID, 'user-a/h');
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SID);
    expect(sealer.seal(SID, 'user-a/h')).not.toBe(sealed); // a fresh IV each time
    expect(sealer.open(sealed, 'user-a/h')).toBe(SID);
  });

  it('refuses another context, a tampered seal, garbage and other keys', () => {
    const sealer = new SessionIdSealer(['secret']);
    const sealed = sealer.seal(SID, 'user-a/h');
    expect(sealer.open(sealed, 'user-b/h')).toBeNull();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(sealer.open(bytes.toString('base64url'), 'user-a/h')).toBeNull();
    expect(sealer.open('', 'user-a/h')).toBeNull();
    expect(sealer.open('not sealed at all', 'user-a/h')).toBeNull();
    expect(new SessionIdSealer(['another secret']).open(sealed, 'user-a/h')).toBeNull();
  });

  it('opens ids sealed under a fallback key after a rotation', () => {
    const sealed = new SessionIdSealer(['old secret']).seal(SID, 'ctx');
    expect(new SessionIdSealer(['new secret', 'old secret']).open(sealed, 'ctx')).toBe(SID);
  });

  it('names a session by 22 base64url characters of its SHA-256', () => {
    expect(sessionIdHash(SID)).toBe(createHash('sha256').update(SID).digest('base64url').slice(0, 22));
    expect(sessionIdHash(SID)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
