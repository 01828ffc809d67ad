/**
 * The lifecycle signals, with no OpenTelemetry SDK registered (the API is
 * installed): receivers get created / regenerated / destroyed / revoked
 * events with a hash of the id, never the id; the store is used unwrapped.
 */
import type { App } from '@micro/core';
import { request } from '@micro/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  recordRevocation,
  session,
  sessionCreated,
  sessionDestroyed,
  sessionIdHash,
  sessions,
  sessionRegenerated,
  sessionRevoked,
  type SessionEvent,
  type SessionEventReceiver,
} from '../../src/index.js';
import { hasSessionReceivers } from '../../src/session-events.js';
import { MemoryStore, serverSession, ServerSideSessionInterface } from '../../src/server-side/index.js';
import { quietApp } from '../helpers.js';

const SIGNALS = [sessionCreated, sessionRegenerated, sessionDestroyed, sessionRevoked];
const connected: Array<[(typeof SIGNALS)[number], SessionEventReceiver]> = [];

/** Connect one recorder to every signal, for `app` only (or every app). */
function record(app?: App): SessionEvent[] {
  const events: SessionEvent[] = [];
  const receiver: SessionEventReceiver = (_sender, event) => void events.push(event);
  for (const signal of SIGNALS) connected.push([signal, signal.connect(receiver, app)]);
  return events;
}

afterEach(() => {
  for (const [signal, receiver] of connected.splice(0)) signal.disconnect(receiver);
});

function eventApp(type: string): App & { logs: Record<string, string[]> } {
  const app = quietApp({ config: { SECRET_KEY: 'events test secret', SESSION_TYPE: type } });
  sessions(app);
  app.post('/login', async function login() {
    session.set('username', (await request.form()).get('username'));
    session.regenerate();
    return 'ok';
  });
  app.post('/regenerate', function regenerate() {
    serverSession.regenerate();
    return 'ok';
  });
  app.post('/logout', function logout() {
    serverSession.destroy();
    return 'ok';
  });
  app.post('/logout-then-write', function logoutThenWrite() {
    serverSession.destroy();
    session.set('after', 'destroy');
    return 'ok';
  });
  app.post('/clear', function clear() {
    session.clear();
    return 'ok';
  });
  app.post('/set', function set() {
    session.set('k', 'v');
    return 'ok';
  });
  app.post('/bind', function bind() {
    session.set('k', 'v');
    session.bindUser('alice');
    return 'ok';
  });
  app.get('/read', function read() {
    return String(session.get('k') ?? 'none');
  });
  return app;
}

const sidIn = (cookie: string) => cookie.slice(0, cookie.lastIndexOf('.'));

describe('server-side session events', () => {
  it('sends created, regenerated and destroyed with a hash of the id, the address and the user agent', async () => {
    const app = eventApp('memory');
    const events = record(app);
    const client = app.testClient();
    const headers = { 'User-Agent': 'audit-test/1.0' };
    const ids: string[] = [];
    const step = async (path: string, form?: Record<string, string>) => {
      const r = await client.post(path, form ? { form, headers } : { headers });
      expect(r.status).toBe(200);
      const cookie = client.cookies.get('session');
      if (cookie) ids.push(sidIn(cookie));
    };

    await step('/login', { username: 'alice' });
    await step('/set'); // a change to a stored session: no lifecycle event
    await step('/regenerate');
    await step('/logout');
    expect(events.map((e) => [e.name, e.sessionIdHash, e.previousIdHash, e.reason])).toEqual([
      ['sessionCreated', sessionIdHash(ids[0]!), undefined, undefined],
      ['sessionRegenerated', sessionIdHash(ids[2]!), sessionIdHash(ids[0]!), undefined],
      ['sessionDestroyed', sessionIdHash(ids[2]!), undefined, 'destroy'],
    ]);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    for (const e of events) {
      expect(e).toMatchObject({ store: 'memory', remoteAddr: '127.0.0.1', userAgent: 'audit-test/1.0' });
      expect(e.time).toBeInstanceOf(Date);
    }
    const text = JSON.stringify(events);
    for (const id of ids) expect(text).not.toContain(id);
    expect(text).not.toContain('alice');
  });

  it('a destroy followed by a write is a destroyed session and a created one; an emptied session is destroyed', async () => {
    const app = eventApp('memory');
    const events = record(app);
    const client = app.testClient();
    await client.post('/set');
    const first = sidIn(client.cookies.get('session')!);
    await client.post('/logout-then-write');
    const second = sidIn(client.cookies.get('session')!);
    await client.post('/clear');
    expect(events.map((e) => [e.name, e.sessionIdHash, e.reason])).toEqual([
      ['sessionCreated', sessionIdHash(first), undefined],
      ['sessionDestroyed', sessionIdHash(first), 'destroy'],
      ['sessionCreated', sessionIdHash(second), undefined],
      ['sessionDestroyed', sessionIdHash(second), 'emptied'],
    ]);
  });

  it('a stored session deleted when opened, past SESSION_ABSOLUTE_LIFETIME or voided by SESSION_VALID_AFTER, is destroyed with that reason', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) });
    try {
      const app = eventApp('memory');
      app.config.SESSION_ABSOLUTE_LIFETIME = 3600;
      let passwordChangedAt: Date | null = null;
      app.config.SESSION_VALID_AFTER = () => passwordChangedAt;
      const events = record(app);

      const expiring = app.testClient();
      await expiring.post('/set');
      const expired = sidIn(expiring.cookies.get('session')!);
      // A record past its limit usually expires in the store first (its TTL is capped at the limit):
      // lowering the limit leaves one that is still stored, and deleted when opened.
      app.config.SESSION_ABSOLUTE_LIFETIME = 60;
      vi.setSystemTime(Date.now() + 61_000);
      expect((await expiring.get('/read')).text).toBe('none');

      const voided = app.testClient();
      await voided.post('/bind');
      const bound = sidIn(voided.cookies.get('session')!);
      vi.setSystemTime(Date.now() + 1_000);
      passwordChangedAt = new Date();
      expect((await voided.get('/read')).text).toBe('none');

      expect(events.filter((e) => e.name === 'sessionDestroyed').map((e) => [e.sessionIdHash, e.reason, e.store])).toEqual([
        [sessionIdHash(expired), 'absolute-lifetime', 'memory'],
        [sessionIdHash(bound), 'valid-after', 'memory'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('uses the store as given when no OpenTelemetry SDK is registered', () => {
    const si = sessions(quietApp({ config: { SECRET_KEY: 's', SESSION_TYPE: 'memory' } }));
    expect((si as ServerSideSessionInterface).store).toBeInstanceOf(MemoryStore);
  });
});

describe('cookie session events', () => {
  it('sends created when the first cookie is written and destroyed when the session is emptied, without an id', async () => {
    for (const type of ['cookie', 'encrypted-cookie']) {
      const app = eventApp(type);
      const events = record(app);
      const client = app.testClient();
      await client.post('/set');
      await client.post('/set'); // a change: not a new session
      await client.post('/clear');
      expect(events.map((e) => [e.name, e.store, e.sessionIdHash, e.reason])).toEqual([
        ['sessionCreated', type, null, undefined],
        ['sessionDestroyed', type, null, 'emptied'],
      ]);
    }
  });
});

describe('receivers', () => {
  it('get events of the app they were connected for, or of every app when connected without one', async () => {
    const [a, b] = [eventApp('memory'), eventApp('memory')];
    const forA = record(a);
    const forAll = record();
    await a.testClient().post('/set');
    await b.testClient().post('/set');
    expect(forA.map((e) => e.name)).toEqual(['sessionCreated']);
    expect(forAll.map((e) => e.name)).toEqual(['sessionCreated', 'sessionCreated']);
  });

  it('that throw or reject are logged, and the request still succeeds; disconnect stops them', async () => {
    const app = eventApp('memory');
    const throws = sessionCreated.connect(() => {
      throw new Error('audit log is full');
    }, app);
    const rejects = sessionCreated.connect(() => Promise.reject(new Error('audit log is away')), app);
    const r = await app.testClient().post('/set');
    expect(r.status).toBe(200);
    await Promise.resolve();
    expect(app.logs.error).toEqual([
      '[session] a sessionCreated receiver failed: Error: audit log is full',
      '[session] a sessionCreated receiver failed: Error: audit log is away',
    ]);
    sessionCreated.disconnect(throws);
    sessionCreated.disconnect(rejects, app);
    expect(hasSessionReceivers()).toBe(false);
    await app.testClient().post('/set');
    expect(app.logs.error).toHaveLength(2);
  });

  it('are optional: with none connected, sessions work as before', async () => {
    expect(hasSessionReceivers()).toBe(false);
    const app = eventApp('memory');
    const r = await app.testClient().post('/login', { form: { username: 'bob' } });
    expect(r.status).toBe(200);
  });
});

describe('recordRevocation', () => {
  it('sends sessionRevoked with the count, store, reason and user, outside a request too', () => {
    const app = eventApp('memory');
    const events = record(app);
    recordRevocation(app, 2, { store: 'redis', reason: 'password changed', user: '42' });
    recordRevocation(app, 0, { store: 'redis' }); // nothing revoked: nothing sent
    recordRevocation(app, 1); // the store defaults to the app's
    expect(events).toEqual([
      {
        name: 'sessionRevoked',
        sessionIdHash: null,
        store: 'redis',
        reason: 'password changed',
        user: '42',
        count: 2,
        time: expect.any(Date),
        remoteAddr: null,
        userAgent: null,
      },
      { name: 'sessionRevoked', sessionIdHash: null, store: 'memory', count: 1, time: expect.any(Date), remoteAddr: null, userAgent: null },
    ]);
  });
});
