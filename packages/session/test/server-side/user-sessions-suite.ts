/**
 * Every session of a user, over HTTP, run against every store by a small
 * user-sessions-*.test.ts per backend: login with bindUser on several
 * "devices" (test clients), list them (this one marked, ids only as hashes),
 * revoke one, revoke all but this one, logout and regenerate keeping the
 * per-user index in step, "last seen" written at most once per interval, and
 * stale index entries pruned. Revocation is checked from a second app
 * instance sharing the store, as a second process would see it.
 */
import type { AppTestClient } from '@micro/core';
import { request } from '@micro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, USER_BINDING_KEY } from '../../src/index.js';
import { serverSession, ServerSideSessionInterface, sessionIdHash, userIndexId, userSessions } from '../../src/server-side/index.js';
import { uniqueSuffix } from '../stores/services.js';
import { COOKIE, RecordingStore, serverSideApp, sidOf, type TestApp } from './app.js';
import type { ServerSideHarness } from './suite.js';

export interface UserSessionsSuiteOptions {
  /** False for a store that lives inside one app (memory): the "second instance" then reuses the first one's store. Default true. */
  sharedAcrossApps?: boolean;
}

export function runUserSessionsSuite(label: string, create: () => Promise<ServerSideHarness>, options: UserSessionsSuiteOptions = {}): void {
  describe(`${label}: every session of a user`, () => {
    let harness: ServerSideHarness;
    const prefix = `test:us:${uniqueSuffix()}:`;
    const makeApp = (config: Record<string, unknown> = {}): TestApp =>
      withDeviceRoutes(
        serverSideApp((app) => {
          app.config.SESSION_TYPE = harness.type;
          app.config.SESSION_KEY_PREFIX = prefix;
          harness.configure(app);
        }, config),
      );
    /** Another app on the same store, as another process would be. */
    const secondApp = (first: TestApp): TestApp => {
      const app = makeApp();
      if (options.sharedAcrossApps === false) {
        app.store = new RecordingStore(first.store.inner);
        app.sessionInterface = new ServerSideSessionInterface(app.store);
      }
      return app;
    };
    // A user name per test: tests share the store, not their users.
    let n = 0;
    const user = () => `user-${++n}-${uniqueSuffix()}`;

    beforeAll(async () => {
      harness = await create();
    });
    afterAll(async () => {
      await harness?.teardown?.();
    });

    it('lists the sessions of a user, this one marked, ids only as hashes', async () => {
      const app = makeApp();
      const alice = user();
      const laptop = app.testClient();
      const phone = app.testClient();
      const laptopSid = await signIn(laptop, alice, 'Laptop Firefox');
      const phoneSid = await signIn(phone, alice, 'Phone Safari');
      await signIn(app.testClient(), user(), 'Someone else');

      const r = await laptop.get('/devices');
      expect(r.status).toBe(200);
      const devices = devicesOf(r);
      expect(devices.map((d) => [d.userAgent, d.current]).sort()).toEqual([
        ['Laptop Firefox', true],
        ['Phone Safari', false],
      ]);
      expect(devices.map((d) => d.idHash).sort()).toEqual([sessionIdHash(laptopSid), sessionIdHash(phoneSid)].sort());
      for (const d of devices) {
        expect(d.idHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(Date.parse(d.createdAt)).toBeLessThanOrEqual(Date.parse(d.lastSeenAt));
        expect(Date.parse(d.expiresAt)).toBeGreaterThan(Date.now() + 30 * 86_400_000);
      }
      // Neither the page nor the index holds a usable session id.
      expect(r.text).not.toContain(laptopSid);
      expect(r.text).not.toContain(phoneSid);
      const index = JSON.stringify(await app.store.inner.get(userIndexId(alice)));
      expect(index).toContain(sessionIdHash(phoneSid));
      expect(index).not.toContain(laptopSid);
      expect(index).not.toContain(phoneSid);
    });

    it('a revoked session is empty on its very next request, served by another app instance', async () => {
      const first = makeApp();
      const second = secondApp(first);
      const alice = user();
      const laptop = first.testClient();
      const phoneOnFirst = first.testClient();
      await signIn(laptop, alice, 'Laptop');
      const phoneSid = await signIn(phoneOnFirst, alice, 'Phone');
      const phone = second.testClient();
      phone.cookies.set(COOKIE, phoneOnFirst.cookies.get(COOKIE)!);
      expect((await phone.get('/')).text).toBe(alice);

      const r = await laptop.post(`/devices/revoke/${sessionIdHash(phoneSid)}`);
      expect(JSON.parse(r.text)).toEqual({ revoked: true });
      expect(await first.store.inner.get(phoneSid)).toBeNull();

      expect((await phone.get('/')).text).toBe('anonymous');
      expect((await laptop.get('/')).text).toBe(alice);
      expect(devicesOf(await laptop.get('/devices')).map((d) => d.userAgent)).toEqual(['Laptop']);
      // Revoking it again, or with a malformed hash, finds nothing.
      expect(JSON.parse((await laptop.post(`/devices/revoke/${sessionIdHash(phoneSid)}`)).text)).toEqual({ revoked: false });
      expect(JSON.parse((await laptop.post('/devices/revoke/not-a-hash')).text)).toEqual({ revoked: false });
    });

    it('revoking this very session logs this request out too, and nothing writes it back', async () => {
      const app = makeApp();
      const alice = user();
      const laptop = app.testClient();
      const sid = await signIn(laptop, alice, 'Laptop');
      app.post('/revoke-self-then-write', async function revokeSelfThenWrite() {
        const revoked = await userSessions.revoke(alice, sessionIdHash(serverSession.sid));
        session.set('written', 'after revoke');
        return { revoked };
      });
      const r = await laptop.post('/revoke-self-then-write');
      expect(JSON.parse(r.text)).toEqual({ revoked: true });
      expect(await app.store.inner.get(sid)).toBeNull();
      // destroy(): what the view wrote afterwards went under a new id, without the user.
      expect(sidOf(laptop)).not.toBe(sid);
      expect((await laptop.get('/')).text).toBe('anonymous');
    });

    it("cannot revoke another user's session", async () => {
      const app = makeApp();
      const mallory = app.testClient();
      const victim = app.testClient();
      await signIn(mallory, user(), 'Mallory');
      const victimSid = await signIn(victim, user(), 'Victim');
      const r = await mallory.post(`/devices/revoke/${sessionIdHash(victimSid)}`);
      expect(JSON.parse(r.text)).toEqual({ revoked: false });
      expect(await app.store.inner.get(victimSid)).not.toBeNull();
    });

    it('revokeAllForUser logs the user out everywhere except here', async () => {
      const first = makeApp();
      const second = secondApp(first);
      const alice = user();
      const here = first.testClient();
      await signIn(here, alice, 'Here');
      const elsewhere = [first.testClient(), second.testClient(), second.testClient()];
      for (const [i, c] of elsewhere.entries()) await signIn(c, alice, `Elsewhere ${i}`);
      const bob = second.testClient();
      await signIn(bob, user(), 'Bob');

      expect(JSON.parse((await here.post('/devices/revoke-others')).text)).toEqual({ revoked: 3 });
      for (const c of elsewhere) expect((await c.get('/')).text).toBe('anonymous');
      expect((await here.get('/')).text).toBe(alice);
      expect((await bob.get('/')).text).not.toBe('anonymous');
      expect(devicesOf(await here.get('/devices')).map((d) => d.userAgent)).toEqual(['Here']);
    });

    it('logout, unbinding and regenerate keep the index in step', async () => {
      const app = makeApp();
      const alice = user();
      const a = app.testClient();
      const b = app.testClient();
      const c = app.testClient();
      const aSid = await signIn(a, alice, 'A');
      const bSid = await signIn(b, alice, 'B');
      await signIn(c, alice, 'C');

      await b.post('/logout');
      expect(await app.store.inner.get(bSid)).toBeNull();
      let index = (await app.store.inner.get(userIndexId(alice)))!;
      expect(Object.keys(index)).not.toContain(sessionIdHash(bSid));
      expect(Object.keys(index)).toHaveLength(2);

      await c.post('/unbind');
      expect((await c.get('/')).text).toBe(alice); // still logged in as far as the app's own key goes, but no longer listed
      expect(devicesOf(await a.get('/devices')).map((d) => d.userAgent)).toEqual(['A']);

      await a.post('/regenerate');
      const newSid = sidOf(a)!;
      expect(newSid).not.toBe(aSid);
      const devices = devicesOf(await a.get('/devices'));
      expect(devices).toMatchObject([{ idHash: sessionIdHash(newSid), userAgent: 'A', current: true }]);
      index = (await app.store.inner.get(userIndexId(alice)))!;
      expect(Object.keys(index)).toEqual([sessionIdHash(newSid)]);
    });

    it('twenty logins of one user at once all land in the index', async () => {
      const app = makeApp();
      const alice = user();
      const clients = Array.from({ length: 20 }, () => app.testClient());
      const sids = await Promise.all(clients.map((c, i) => signIn(c, alice, `Device ${i}`)));
      const devices = devicesOf(await clients[0]!.get('/devices'));
      expect(devices.map((d) => d.idHash).sort()).toEqual(sids.map(sessionIdHash).sort());
      expect(devices.filter((d) => d.current)).toHaveLength(1);
    });

    it('a login beyond SESSION_MAX_PER_USER ends the least recently seen session', async () => {
      const app = makeApp({ SESSION_MAX_PER_USER: 2 });
      const alice = user();
      const [first, second, third] = [app.testClient(), app.testClient(), app.testClient()];
      const firstSid = await signIn(first, alice, 'First');
      // Seen ten seconds before the others, whatever the clock's resolution.
      const indexId = userIndexId(alice);
      const entry = (await app.store.inner.get(indexId))![sessionIdHash(firstSid)] as { w: number };
      await app.store.inner.apply(indexId, { set: { [sessionIdHash(firstSid)]: { ...entry, w: entry.w - 10_000 } }, delete: [] }, 60_000);
      await signIn(second, alice, 'Second');
      await signIn(third, alice, 'Third');
      expect((await first.get('/')).text).toBe('anonymous');
      expect(await app.store.inner.get(firstSid)).toBeNull();
      expect(devicesOf(await third.get('/devices')).map((d) => d.userAgent).sort()).toEqual(['Second', 'Third']);
      expect((await second.get('/')).text).toBe(alice);
      // A new id for a session at the limit (regenerate) is no new session: nobody is logged out.
      await third.post('/regenerate');
      expect((await second.get('/')).text).toBe(alice);
      expect(devicesOf(await third.get('/devices')).map((d) => d.userAgent).sort()).toEqual(['Second', 'Third']);
    });

    it('records "last seen" at most once per SESSION_LAST_SEEN_INTERVAL', async () => {
      const app = makeApp();
      const alice = user();
      const client = app.testClient();
      const sid = await signIn(client, alice, 'A');
      app.store.reset();
      await client.get('/');
      await client.get('/');
      expect(app.store.ops).toEqual(['get', 'touch', 'get', 'touch']); // reads write nothing

      // Pretend the last request was two minutes ago.
      const binding = (await app.store.inner.get(sid))![USER_BINDING_KEY] as { seen?: number; at: number };
      const longAgo = Date.now() - 120_000;
      await app.store.inner.apply(sid, { set: { [USER_BINDING_KEY]: { ...binding, seen: longAgo } }, delete: [] }, 60_000);
      app.store.reset();
      const before = Date.now();
      await client.get('/');
      // One write to the user's index, then one to the record.
      expect(app.store.calls.map((c) => [c.op, c.id])).toEqual([
        ['get', sid],
        ['apply', userIndexId(alice)],
        ['apply', sid],
      ]);
      expect(app.store.calls[2]!.changes).toEqual({ set: { [USER_BINDING_KEY]: { ...binding, seen: expect.any(Number) } }, delete: [] });
      // The index outlives the record by more than one interval: a record touched since its entry was written still has an index.
      expect(app.store.calls[1]!.ttlMs! - app.store.calls[2]!.ttlMs!).toBeGreaterThan(2 * 60_000);
      const [device] = devicesOf(await client.get('/devices'));
      expect(Date.parse(device!.lastSeenAt)).toBeGreaterThanOrEqual(before - 1);
      // The entry was refreshed with the record: its expiry moved on too.
      expect(Date.parse(device!.expiresAt)).toBeGreaterThanOrEqual(before + 31 * 86_400_000 - 1);
    });

    it('prunes index entries whose record is gone, and hides them at once', async () => {
      const app = makeApp();
      const alice = user();
      const a = app.testClient();
      const b = app.testClient();
      await signIn(a, alice, 'A');
      const bSid = await signIn(b, alice, 'B');
      const indexId = userIndexId(alice);
      const entry = (await app.store.inner.get(indexId))![sessionIdHash(bSid)] as { w: number };

      // The record vanishes behind the app's back (evicted, a crash between the two writes…).
      await app.store.inner.destroy(bSid);
      expect(devicesOf(await a.get('/devices')).map((d) => d.userAgent)).toEqual(['A']);
      // A fresh entry may belong to a login between its two writes: kept for now.
      expect(Object.keys((await app.store.inner.get(indexId))!)).toContain(sessionIdHash(bSid));

      // Once older than a minute it is pruned.
      await app.store.inner.apply(indexId, { set: { [sessionIdHash(bSid)]: { ...entry, w: Date.now() - 120_000 } }, delete: [] }, 60_000);
      expect(devicesOf(await a.get('/devices'))).toHaveLength(1);
      expect(Object.keys((await app.store.inner.get(indexId))!)).toEqual([sessionIdHash(sidOf(a)!)]);
    });
  });
}

interface Device {
  idHash: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

export function devicesOf(r: { status: number; text: string }): Device[] {
  if (r.status !== 200) throw new Error(`/devices answered ${r.status}: ${r.text}`);
  return (JSON.parse(r.text) as { devices: Device[] }).devices;
}

/** Log in as `username` from a client that calls itself `userAgent`; returns the new session id. */
export async function signIn(client: AppTestClient, username: string, userAgent: string): Promise<string> {
  const r = await client.post('/sign-in', { form: { username }, headers: { 'user-agent': userAgent } });
  if (r.status !== 200) throw new Error(`sign-in answered ${r.status}: ${r.text}`);
  return sidOf(client)!;
}

/** The "your devices" routes, as an app would write them with `userSessions`. */
export function withDeviceRoutes(app: TestApp): TestApp {
  const userId = () => session.get('username') as string;
  app.post('/sign-in', async function signInView() {
    const username = (await request.form()).get('username')!;
    session.set('username', username);
    session.bindUser(username, { userAgent: request.headers.get('user-agent'), ip: request.remoteAddr });
    serverSession.regenerate();
    return 'signed in';
  });
  app.get('/devices', async function devices() {
    return { devices: await userSessions.listForUser(userId()) };
  });
  app.post('/devices/revoke/<idHash>', async function revoke({ idHash }: { idHash: string }) {
    return { revoked: await userSessions.revoke(userId(), idHash) };
  });
  app.post('/devices/revoke-others', async function revokeOthers() {
    return { revoked: await userSessions.revokeAllForUser(userId(), { except: serverSession }) };
  });
  app.post('/unbind', function unbind() {
    session.delete(USER_BINDING_KEY);
    return 'ok';
  });
  return app;
}
