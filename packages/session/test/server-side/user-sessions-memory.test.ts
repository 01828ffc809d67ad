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
