import { describe, expect, it } from 'vitest';
import { session, sessionRevoked, sessions, type SessionEvent } from '../../src/index.js';
import { MemoryStore, serverSession, ServerSideSessionInterface } from '../../src/server-side/index.js';
import { quietApp } from '../helpers.js';
import { sidOf } from './app.js';
import { runUserSessionsSuite } from './user-sessions-suite.js';

runUserSessionsSuite('MemoryStore', async () => ({ type: 'memory', configure() {} }), { sharedAcrossApps: false });

describe('binding a server-side session without SECRET_KEY', () => {
  it('fails the save with an error that says what is missing, and stores nothing', async () => {
    const app = quietApp({ config: { SESSION_TYPE: 'memory', SESSION_USE_SIGNER: false } });
    const si = sessions(app) as ServerSideSessionInterface;
    app.post('/sign-in', function signIn() {
      session.set('username', 'ada');
      session.bindUser('ada');
      return 'ok';
    });
    const r = await app.testClient().post('/sign-in');
    expect(r.status).toBe(500);
    expect(app.logs.error.join('\n')).toContain('session.bindUser() with server-side sessions needs SECRET_KEY');
    expect((si.store as MemoryStore).size).toBe(0);
  });
});

describe('the per-user index across a SECRET_KEY rotation', () => {
  it('opens entries with SECRET_KEY_FALLBACKS, and without the old key lists nothing and says why', async () => {
    const app = quietApp({ config: { SECRET_KEY: 'old key', SESSION_TYPE: 'memory', SESSION_USE_SIGNER: false } });
    const si = sessions(app) as ServerSideSessionInterface;
    app.post('/sign-in', function signIn() {
      session.set('username', 'ada');
      session.bindUser('ada');
      return 'ok';
    });
    await app.testClient().post('/sign-in');
    expect(await si.listForUser(app, 'ada')).toHaveLength(1);

    app.config.SECRET_KEY = 'new key';
    app.config.SECRET_KEY_FALLBACKS = ['old key'];
    expect(await si.listForUser(app, 'ada')).toHaveLength(1);

    app.config.SECRET_KEY_FALLBACKS = [];
    expect(await si.listForUser(app, 'ada')).toEqual([]);
    expect(app.logs.warn).toEqual([expect.stringContaining('could not be opened with SECRET_KEY or SECRET_KEY_FALLBACKS')]);
    // Not pruned: with the old key back, the session is found again.
    app.config.SECRET_KEY_FALLBACKS = ['old key'];
    expect(await si.listForUser(app, 'ada')).toHaveLength(1);
  });
});

describe('revocation reports itself (sessionRevoked, for audit logs)', () => {
  it('sends one sessionRevoked per revoked session, named by the hash the devices list shows, never by its id', async () => {
    const app = quietApp({ config: { SECRET_KEY: 'k', SESSION_TYPE: 'memory' } });
    const si = sessions(app) as ServerSideSessionInterface;
    const sids: string[] = [];
    app.post('/sign-in', function signIn() {
      session.set('username', 'ada');
      session.bindUser('ada');
      sids.push(serverSession.sid);
      return 'ok';
    });
    const events: SessionEvent[] = [];
    const receiver = (_app: unknown, e: SessionEvent): void => void events.push(e);
    sessionRevoked.connect(receiver, app);
    try {
      for (let i = 0; i < 3; i++) await app.testClient().post('/sign-in');
      const listed = await si.listForUser(app, 'ada');
      expect(listed).toHaveLength(3);

      expect(await si.revoke(app, 'ada', listed[0]!.idHash)).toBe(true);
      expect(events.map((e) => [e.name, e.sessionIdHash, e.user, e.count, e.store])).toEqual([
        ['sessionRevoked', listed[0]!.idHash, 'ada', 1, 'memory'],
      ]);

      expect(await si.revokeAllForUser(app, 'ada')).toBe(2);
      expect(events.slice(1).map((e) => e.sessionIdHash).sort()).toEqual([listed[1]!.idHash, listed[2]!.idHash].sort());
      // No raw id anywhere in what a receiver gets.
      expect(sids).toHaveLength(3);
      for (const sid of sids) expect(JSON.stringify(events)).not.toContain(sid);
    } finally {
      sessionRevoked.disconnect(receiver, app);
    }
  });
});

describe('SESSION_VALID_AFTER on server-side sessions', () => {
  it('voids the sessions bound before the instant, deleting their records; later ones and unbound ones stay', async () => {
    const changedAt = new Map<string, number>();
    const app = quietApp({ config: { SECRET_KEY: 'k', SESSION_TYPE: 'memory' } });
    app.config.SESSION_VALID_AFTER = (userId) => changedAt.get(userId) ?? null;
    const si = sessions(app) as ServerSideSessionInterface;
    app.post('/sign-in', function signIn() {
      session.set('username', 'ada');
      session.bindUser('ada');
      return 'ok';
    });
    app.post('/anonymous', function anonymous() {
      session.set('theme', 'dark');
      return 'ok';
    });
    app.post('/change-password', function changePassword() {
      changedAt.set('ada', session.bindUser('ada').at);
      return 'changed';
    });
    app.get('/', () => String(session.get('username') ?? session.get('theme') ?? 'nobody'));

    const laptop = app.testClient();
    const phone = app.testClient();
    const visitor = app.testClient();
    await laptop.post('/sign-in');
    await phone.post('/sign-in');
    await visitor.post('/anonymous');
    const store = si.store as MemoryStore;
    const phoneSid = sidOf(phone)!;
    expect(await store.get(phoneSid)).not.toBeNull();

    await laptop.post('/change-password');
    expect((await phone.get('/')).text).toBe('nobody');
    expect(await store.get(phoneSid)).toBeNull(); // the record is gone, not just unused
    expect((await laptop.get('/')).text).toBe('ada'); // rebound at the change: after the instant
    expect((await visitor.get('/')).text).toBe('dark'); // never bound: never void
  });
});
