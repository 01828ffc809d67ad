/**
 * The id cookie against fixtures made with itsdangerous exactly as
 * Flask-Session signs ids (fixtures/make_flask_session_fixtures.py): same
 * cookie for the same id and key, Flask-Session's cookies are read, key
 * rotation works, and every tampered form opens a fresh session.
 */
import { readFileSync } from 'node:fs';
import { App } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/stores/memory-store.js';
import { generateSessionId, ServerSideSessionInterface, sessionIdCookieValue, sessionIdFromCookie } from '../../src/server-side/index.js';
import { COOKIE, serverSideApp, sidOf } from './app.js';

interface Fixture {
  generated_id_length: number;
  signed: Array<{ secret: string; sid: string; cookie: string }>;
  rotation: { secret: string; fallbacks: string[]; sid: string; signed_with_new: string; signed_with_old: string };
  tampered: { secret: string; sid: string; good: string; cases: Array<{ name: string; cookie: string }> };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/flask-session-ids.json', import.meta.url), 'utf8')) as Fixture;

function signerFor(secret: string, fallbacks: string[] = []) {
  const app = new App({ config: { SECRET_KEY: secret, SECRET_KEY_FALLBACKS: fallbacks } });
  return new ServerSideSessionInterface(new MemoryStore({ sweepIntervalMs: 0 })).getSessionIdSigner(app)!;
}

/** An interface whose next new id is chosen by the test, to compare whole cookies. */
class FixedIdInterface extends ServerSideSessionInterface {
  nextId = '';
  override generateSid(): string {
    return this.nextId;
  }
}

function memoryApp(config: Record<string, unknown>) {
  return serverSideApp((a) => void (a.config.SESSION_TYPE = 'memory'), config);
}

describe('session id cookies are Flask-Session cookies', () => {
  it('makes ids as secrets.token_urlsafe(32) does: 43 base64url characters', () => {
    expect(generateSessionId(32)).toMatch(new RegExp(`^[A-Za-z0-9_-]{${fixture.generated_id_length}}$`));
    expect(new Set(Array.from({ length: 100 }, () => generateSessionId(32))).size).toBe(100);
  });

  it.each(fixture.signed)('signs and reads $sid with secret $secret byte for byte', ({ secret, sid, cookie }) => {
    const signer = signerFor(secret);
    expect(sessionIdCookieValue(sid, signer)).toBe(cookie);
    expect(sessionIdFromCookie(cookie, signer)).toBe(sid);
  });

  it('writes the same Set-Cookie value Flask-Session writes for the same id and key', async () => {
    const { secret, sid, cookie } = fixture.signed[0]!;
    const app = memoryApp({ SECRET_KEY: secret });
    const si = new FixedIdInterface(app.store);
    si.nextId = sid;
    app.sessionInterface = si;
    const client = app.testClient();
    await client.post('/set?key=k&value=v');
    expect(client.cookies.get(COOKIE)).toBe(cookie);
  });

  it('opens the stored session named by a Flask-Session cookie', async () => {
    const { secret, sid, cookie } = fixture.signed[1]!;
    const app = memoryApp({ SECRET_KEY: secret });
    await app.store.inner.set(sid, { username: 'from flask' }, 60_000);
    const client = app.testClient();
    client.cookies.set(COOKIE, cookie);
    expect((await client.get('/')).text).toBe('from flask');
  });

  it('accepts an id signed with a key in SECRET_KEY_FALLBACKS and re-signs it with SECRET_KEY', async () => {
    const { secret, fallbacks, sid, signed_with_old, signed_with_new } = fixture.rotation;
    const app = memoryApp({ SECRET_KEY: secret, SECRET_KEY_FALLBACKS: fallbacks });
    await app.store.inner.set(sid, { _permanent: true, username: 'rotated' }, 60_000);
    const client = app.testClient();
    client.cookies.set(COOKIE, signed_with_old);
    expect((await client.get('/')).text).toBe('rotated');
    expect(client.cookies.get(COOKIE)).toBe(signed_with_new);
  });

  it.each(fixture.tampered.cases)('opens a fresh session for a tampered cookie: $name', async ({ cookie }) => {
    const { secret, sid } = fixture.tampered;
    const app = memoryApp({ SECRET_KEY: secret });
    await app.store.inner.set(sid, { username: 'victim' }, 60_000);
    const client = app.testClient();
    client.cookies.set(COOKIE, cookie);
    expect((await client.get('/')).text).toBe('anonymous');
    await client.post('/set?key=k&value=v');
    expect(sidOf(client)).not.toBe(sid);
    expect(await app.store.inner.get(sid)).toEqual({ username: 'victim' });
  });

  it('with SESSION_USE_SIGNER off, the cookie is the bare id', async () => {
    const app = memoryApp({ SESSION_USE_SIGNER: false });
    const client = app.testClient();
    await client.post('/set?key=k&value=v');
    const value = client.cookies.get(COOKIE)!;
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await app.store.inner.get(value)).toEqual({ _permanent: true, k: 'v' });
    expect((await client.get('/data')).json()).toEqual({ _permanent: true, k: 'v' });
  });

  it('SESSION_ID_LENGTH sets the entropy of new ids', async () => {
    const app = memoryApp({ SESSION_ID_LENGTH: 64 });
    const client = app.testClient();
    await client.post('/set?key=k&value=v');
    expect(sidOf(client)).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });
});
