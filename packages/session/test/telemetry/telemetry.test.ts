/**
 * Spans and metrics with a real OpenTelemetry SDK (in-memory span exporter,
 * an on-demand metric reader), over HTTP through the test client: a memory
 * store, a real Redis, a Redis that dies, cookie sessions, and write
 * conflicts on a real PostgreSQL. No attribute ever holds a session id, a
 * cookie or session data.
 */
import type { App, AppTestClient } from '@micro/core';
import { request } from '@micro/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import knexFactory from 'knex';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordRevocation, session, sessions, Signer } from '../../src/index.js';
import { generateSessionId, MemoryStore, serverSession, ServerSideSessionInterface, sessionIdCookieValue, SqlStore, type StoredSession as SessionData } from '../../src/server-side/index.js';
import { TracedStore, traceStore } from '../../src/stores/traced-store.js';
import { quietApp } from '../helpers.js';
import { hasBinary, startRedis, type LocalServer } from '../stores/local-servers.js';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';
import { uniqueTable } from '../stores/sql-fixtures.js';
import { registerOtelSdk, type OtelSdk } from './otel-sdk.js';

const SECRET = 'telemetry test secret';
const redisTarget = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(redisTarget.host, redisTarget.port));
const pgTarget = hostPort(urls.postgres, 5432);
const pg = await checkService('PostgreSQL', urls.postgres, () => probeTcp(pgTarget.host, pgTarget.port));
const redisBinary = await checkService('redis-server (local binary for outage tests)', 'PATH', async () => {
  if (!hasBinary('redis-server')) throw new Error('redis-server is not installed');
});

// Built while no SDK is registered (before beforeAll): it must record nothing, ever.
const builtBeforeSdk = sessionApp({ SESSION_TYPE: 'memory' });

let sdk: OtelSdk;
beforeAll(() => {
  sdk = registerOtelSdk();
});
afterAll(async () => {
  await sdk.shutdown();
});
beforeEach(() => {
  sdk.exporter.reset();
});

function sessionApp(config: Record<string, unknown>): App & { logs: Record<string, string[]> } {
  const app = quietApp({ config: { SECRET_KEY: SECRET, ...config } });
  sessions(app);
  app.get('/', () => String(session.get('username') ?? 'anonymous'));
  app.post('/login', async () => {
    session.set('username', (await request.form()).get('username'));
    if (app.sessionInterface instanceof ServerSideSessionInterface) serverSession.regenerate();
    return 'logged in';
  });
  app.post('/set', () => {
    session.set(request.args.get('key')!, request.args.get('value'));
    return 'ok';
  });
  return app;
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const one = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const found = byName(spans, name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const isChildOf = (child: ReadableSpan, parent: ReadableSpan) =>
  child.parentSpanContext?.spanId === parent.spanContext().spanId && child.spanContext().traceId === parent.spanContext().traceId;

/** No span attribute (nor event attribute, nor status message) contains any of `secrets`. */
function expectNoSecrets(spans: ReadableSpan[], secrets: string[]): void {
  const text = JSON.stringify(spans.map((s) => [s.attributes, s.status, s.events.map((e) => [e.name, e.attributes])]));
  for (const secret of secrets) expect(text).not.toContain(secret);
}

async function login(client: AppTestClient, username = 'alice'): Promise<void> {
  const r = await client.post('/login', { form: { username } });
  expect(r.status).toBe(200);
}

describe('an app built before the SDK was registered', () => {
  it('records no span and no metric, and its sessions work', async () => {
    expect((builtBeforeSdk.sessionInterface as ServerSideSessionInterface).store).not.toBeInstanceOf(TracedStore);
    const client = builtBeforeSdk.testClient();
    await login(client);
    expect((await client.get('/')).text).toBe('alice');
    expect(sdk.exporter.getFinishedSpans()).toEqual([]);
    expect(await sdk.points('micro.session.store.duration')).toEqual([]);
  });
});

describe('server-side sessions on the memory store', () => {
  it('wraps the store in a TracedStore, because an SDK was registered before sessions(app)', () => {
    const si = sessions(quietApp({ config: { SECRET_KEY: SECRET, SESSION_TYPE: 'memory' } }));
    expect((si as ServerSideSessionInterface).store).toBeInstanceOf(TracedStore);
  });

  it('traces open and save with the store calls as their children, outcome and merge attributes', async () => {
    const app = sessionApp({ SESSION_TYPE: 'memory' });
    const client = app.testClient();

    await login(client);
    let spans = sdk.spans();
    const open = one(spans, 'session.open');
    expect(open.attributes).toEqual({ 'micro.session.store': 'memory', 'micro.session.outcome': 'new' });
    const save = one(spans, 'session.save');
    expect(save.attributes).toEqual({ 'micro.session.store': 'memory', 'micro.session.merged': false, 'micro.session.outcome': 'ok' });
    const set = one(spans, 'session.store.set');
    expect(isChildOf(set, save)).toBe(true);
    expect(set.attributes).toEqual({ 'micro.session.store': 'memory', 'db.operation.name': 'set', 'micro.session.outcome': 'ok' });
    expect(set.kind).toBe(0); // INTERNAL: an in-process store

    const cookie = client.cookies.get('session')!;
    sdk.exporter.reset();
    expect((await client.get('/')).text).toBe('alice');
    spans = sdk.spans();
    const read = one(spans, 'session.open');
    expect(read.attributes['micro.session.outcome']).toBe('ok');
    const get = one(spans, 'session.store.get');
    expect(isChildOf(get, read)).toBe(true);
    expect(get.attributes['micro.session.store.hit']).toBe(true);
    // A read of a permanent session extends its lifetime (SESSION_REFRESH_EACH_REQUEST).
    expect(isChildOf(one(spans, 'session.store.touch'), one(spans, 'session.save'))).toBe(true);

    sdk.exporter.reset();
    await client.post('/set?key=colour&value=teal');
    spans = sdk.spans();
    expect(one(spans, 'session.save').attributes['micro.session.merged']).toBe(true);
    expect(isChildOf(one(spans, 'session.store.apply'), one(spans, 'session.save'))).toBe(true);

    expectNoSecrets(sdk.exporter.getFinishedSpans(), [cookie, cookie.slice(0, cookie.lastIndexOf('.')), 'alice', 'teal']);
  });

  it("tells a tampered cookie from a well-signed id that has no record ('expired')", async () => {
    const app = sessionApp({ SESSION_TYPE: 'memory' });
    const unknownId = sessionIdCookieValue(generateSessionId(32), new Signer({ secretKeys: SECRET, salt: 'flask-session', keyDerivation: 'hmac' }));
    const outcomes: unknown[] = [];
    for (const cookie of [`${unknownId.slice(0, -2)}xx`, unknownId, null]) {
      sdk.exporter.reset();
      const r = await app.testClient().get('/', cookie === null ? {} : { headers: { cookie: `session=${cookie}` } });
      expect(r.text).toBe('anonymous');
      outcomes.push(one(sdk.spans(), 'session.open').attributes['micro.session.outcome']);
    }
    expect(outcomes).toEqual(['tampered', 'expired', 'new']);
  });

  it('records store latency by store, operation and outcome, and revocations', async () => {
    const app = sessionApp({ SESSION_TYPE: 'memory' });
    const client = app.testClient();
    await login(client);
    await client.get('/');
    const points = await sdk.points('micro.session.store.duration');
    const memory = points.filter((p) => p.attributes['micro.session.store'] === 'memory' && p.attributes['micro.session.outcome'] === 'ok');
    const ops = Object.fromEntries(memory.map((p) => [p.attributes['db.operation.name'], (p.value as { count: number }).count]));
    expect(ops).toMatchObject({ set: expect.any(Number), get: expect.any(Number), touch: expect.any(Number) });
    for (const count of Object.values(ops)) expect(count).toBeGreaterThan(0);

    recordRevocation(app, 3, { store: 'memory', reason: 'password changed' });
    const revoked = await sdk.points('micro.session.revocations');
    expect(revoked.map((p) => [p.attributes, p.value])).toEqual([[{ 'micro.session.store': 'memory' }, 3]]);
  });
});

describe('a store that fails with an error of its own (a bug, not an outage)', () => {
  it("ends the spans with outcome 'error' and the error's type, leaving its message (which may quote the id) out", async () => {
    class LeakyStore extends MemoryStore {
      override get(id: string): Promise<SessionData | null> {
        return Promise.reject(new TypeError(`cannot read record ${id}`));
      }
    }
    const app = quietApp({ config: { SECRET_KEY: SECRET } });
    const store = new LeakyStore();
    sessions(app, { interface: new ServerSideSessionInterface(store) });
    app.get('/', () => String(session.get('username') ?? 'anonymous'));
    const sid = generateSessionId(32);
    const cookie = sessionIdCookieValue(sid, new Signer({ secretKeys: SECRET, salt: 'flask-session', keyDerivation: 'hmac' }));
    const r = await app.testClient().get('/', { headers: { cookie: `session=${cookie}` } });
    expect(r.status).toBe(500);
    const spans = sdk.spans();
    for (const span of [one(spans, 'session.open'), one(spans, 'session.store.get')]) {
      expect(span.status).toEqual({ code: 2, message: undefined });
      expect(span.attributes).toMatchObject({ 'micro.session.outcome': 'error', 'error.type': 'TypeError' });
    }
    expectNoSecrets(spans, [sid]);
  });
});

describe('cookie sessions', () => {
  it('trace open and save with the interface as the store and the cookie outcome', async () => {
    for (const type of ['cookie', 'encrypted-cookie']) {
      const app = sessionApp({ SESSION_TYPE: type });
      const client = app.testClient();
      sdk.exporter.reset();
      await login(client);
      expect(one(sdk.spans(), 'session.save').attributes).toEqual({ 'micro.session.store': type, 'micro.session.merged': false, 'micro.session.outcome': 'ok' });
      const cookie = client.cookies.get('session')!;
      sdk.exporter.reset();
      await client.get('/');
      expect(one(sdk.spans(), 'session.open').attributes['micro.session.outcome']).toBe('ok');
      sdk.exporter.reset();
      await app.testClient().get('/', { headers: { cookie: `session=${cookie.slice(0, -3)}abc` } });
      expect(one(sdk.spans(), 'session.open').attributes['micro.session.outcome']).toBe('tampered');
      expectNoSecrets(sdk.exporter.getFinishedSpans(), [cookie, 'alice']);
    }
  });
});

describe.skipIf(!redis.available)('server-side sessions on a real Redis', () => {
  const client = createClient({ url: urls.redis, disableOfflineQueue: true });
  beforeAll(async () => {
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    await client.quit();
  });

  it('gives store calls CLIENT spans with db.system.name redis', async () => {
    const app = sessionApp({ SESSION_TYPE: 'redis', SESSION_REDIS: client, SESSION_KEY_PREFIX: `test:otel:${uniqueSuffix()}:` });
    const c = app.testClient();
    await login(c);
    await c.get('/');
    const spans = sdk.spans();
    const calls = spans.filter((s) => s.name.startsWith('session.store.'));
    expect(calls.map((s) => s.name)).toEqual(['session.store.set', 'session.store.get', 'session.store.touch']);
    for (const s of calls) {
      expect(s.kind).toBe(2); // CLIENT
      expect(s.attributes).toMatchObject({ 'micro.session.store': 'redis', 'db.system.name': 'redis', 'micro.session.outcome': 'ok' });
    }
    expect(byName(spans, 'session.open').map((s) => s.attributes['micro.session.store'])).toEqual(['redis', 'redis']);
    const cookie = c.cookies.get('session')!;
    expectNoSecrets(sdk.exporter.getFinishedSpans(), [cookie, cookie.slice(0, cookie.lastIndexOf('.')), 'alice']);
    await c.post('/set?key=k&value=v'); // the record expires with its TTL; nothing else is left behind
  });
});

describe.skipIf(!redisBinary.available)('a Redis that goes down', () => {
  let server: LocalServer;
  let c: ReturnType<typeof createClient>;
  beforeAll(async () => {
    server = await startRedis();
    c = createClient({ url: `redis://127.0.0.1:${server.port}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
    c.on('error', () => {});
    await c.connect();
  });
  afterAll(async () => {
    c?.destroy();
    await server?.stop();
  });

  it('ends session.open and the store call with status ERROR, outcome unavailable, and counts the outage', async () => {
    const app = sessionApp({ SESSION_TYPE: 'redis', SESSION_REDIS: c });
    const http = app.testClient();
    await login(http);
    const before = await outages();
    await server.kill();
    sdk.exporter.reset();
    const r = await http.get('/');
    expect(r.status).toBe(503);
    const spans = sdk.spans();
    const open = one(spans, 'session.open');
    const get = one(spans, 'session.store.get');
    for (const span of [open, get]) {
      expect(span.status.code).toBe(2); // ERROR
      expect(span.status.message).toContain("Session store 'redis' is unavailable");
      expect(span.attributes).toMatchObject({ 'micro.session.outcome': 'unavailable', 'error.type': 'StoreUnavailableError' });
    }
    expect(isChildOf(get, open)).toBe(true);
    expect(byName(spans, 'session.save')).toEqual([]); // nothing saved over the stored session
    expect((await outages()) - before).toBe(1);
    const failed = (await sdk.points('micro.session.store.duration')).filter((p) => p.attributes['micro.session.outcome'] === 'unavailable');
    expect(failed.map((p) => p.attributes)).toEqual([
      { 'micro.session.store': 'redis', 'db.system.name': 'redis', 'db.operation.name': 'get', 'micro.session.outcome': 'unavailable', 'error.type': 'StoreUnavailableError' },
    ]);
    expect(app.logs.error).toHaveLength(1);
  });

  async function outages(): Promise<number> {
    return (await sdk.points('micro.session.store.outages')).reduce((n, p) => n + (p.value as number), 0);
  }
});

describe.skipIf(!pg.available)('write conflicts on a real PostgreSQL', () => {
  const knex = knexFactory({ client: 'pg', connection: urls.postgres, pool: { min: 0, max: 8 } });
  const table = uniqueTable('otel');
  afterAll(async () => {
    await knex.schema.dropTableIfExists(table);
    await knex.destroy();
  });

  it('counts each conflict the store merged, and notes it on the apply span', async () => {
    const store = traceStore(new SqlStore({ knex, table }));
    await store.set('s', { start: true }, 60_000);
    // Concurrent applies to one record race on its version; keep going until at least one lost and merged.
    let round = 0;
    const keys: string[] = [];
    do {
      sdk.exporter.reset();
      const batch = Array.from({ length: 8 }, (_, i) => `k${round}_${i}`);
      keys.push(...batch);
      await Promise.all(batch.map((k) => store.apply('s', { set: { [k]: 1 }, delete: [] }, 60_000)));
      round++;
    } while ((await conflicts()) === 0 && round < 25);
    const counted = await conflicts();
    expect(counted).toBeGreaterThan(0);
    // Earlier rounds had none, so each one counted is an event on an apply span of the last round.
    const noted = sdk.spans().flatMap((s) => s.events.filter((e) => e.name === 'micro.session.store.conflict_merged').map(() => s.name));
    expect(noted).toEqual(Array(counted).fill('session.store.apply'));
    expect(Object.keys((await store.get('s'))!).sort()).toEqual(['start', ...keys].sort());
  });

  async function conflicts(): Promise<number> {
    return (await sdk.points('micro.session.store.conflicts'))
      .filter((p) => p.attributes['micro.session.store'] === 'sql:postgres')
      .reduce((n, p) => n + (p.value as number), 0);
  }
});
