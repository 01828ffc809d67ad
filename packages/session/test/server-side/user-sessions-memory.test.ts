import { describe, expect, it } from 'vitest';
import { session, sessions } from '../../src/index.js';
import { MemoryStore, ServerSideSessionInterface } from '../../src/server-side/index.js';
import { quietApp } from '../helpers.js';
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
