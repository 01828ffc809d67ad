/**
 * The example over HTTP on real stores: SESSION_TYPE and the store's address
 * from environment variables, login regenerates the id, logout destroys the
 * stored session. Plus the real entry point, started as a process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ServerSideSessionInterface, Signer } from '@micro/session';
import { afterAll, describe, expect, it } from 'vitest';
import { checkService, hostPort, probeTcp, urls } from '../../../packages/session/test/stores/services.js';
import { createApp } from '../src/app.js';
import { sessionStoreFromEnv, type StoreSetup } from '../src/session-store-from-env.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));
const dir = mkdtempSync(join(tmpdir(), 'micro-example-server-side-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const environments: Array<[string, NodeJS.ProcessEnv, boolean]> = [
  ['redis', { SESSION_TYPE: 'redis', REDIS_URL: urls.redis }, redis.available],
  ['filesystem', { SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: join(dir, 'files') }, true],
  ['sql (SQLite)', { SESSION_TYPE: 'sql', DATABASE_URL: `sqlite://${join(dir, 'sessions.db')}` }, true],
  ['memory', { SESSION_TYPE: 'memory' }, true],
];

for (const [name, env, available] of environments) {
  describe.skipIf(!available)(`examples/server-side with ${name}`, () => {
    let setup: StoreSetup;
    afterAll(async () => {
      await setup?.close();
    });

    it('logs in with a fresh id, remembers the name in the store, logs out by destroying it', async () => {
      setup = await sessionStoreFromEnv(env);
      const app = createApp('example test key', setup);
      const store = (app.sessionInterface as ServerSideSessionInterface).store;
      const client = app.testClient({ followRedirects: true });
      expect((await client.get('/')).text).toBe('You are not logged in');
      expect((await client.get('/login')).text).toContain('<form method="post">');

      // An id planted before login (session fixation) is not the one the login ends up with.
      client.cookies.set('session', 'planted.id');
      const r = await client.post('/login', { form: { username: 'Ada <Lovelace>' } });
      expect(r.text).toBe('Logged in as Ada &lt;Lovelace&gt;');
      const cookie = client.cookies.get('session')!;
      const sid = cookie.slice(0, cookie.lastIndexOf('.'));
      expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The login binds the session to its user (for the devices page); the test client sends no user agent.
      expect(await store.get(sid)).toEqual({
        _permanent: true,
        username: 'Ada <Lovelace>',
        _user_binding: { id: 'Ada <Lovelace>', at: expect.any(Number) },
      });

      expect((await client.get('/logout')).text).toBe('You are not logged in');
      expect(client.cookies.get('session')).toBeUndefined();
      expect(await store.get(sid)).toBeNull();
    });
  });
}

for (const [name, env, available] of environments) {
  describe.skipIf(!available)(`examples/server-side's devices page with ${name}`, () => {
    let setup: StoreSetup;
    afterAll(async () => {
      await setup?.close();
    });

    it('lists the devices of the user, this one marked, and logs another one out', async () => {
      setup = await sessionStoreFromEnv(env);
      const app = createApp('example test key', setup);
      const username = `grace-${name.replace(/\W/g, '')}-${Date.now()}`;
      const logIn = async (userAgent: string) => {
        const client = app.testClient({ followRedirects: true });
        const r = await client.post('/login', { form: { username }, headers: { 'user-agent': userAgent } });
        expect(r.text).toBe(`Logged in as ${username}`);
        return client;
      };
      const desktop = await logIn('Desktop <Browser>');
      const tablet = await logIn('Tablet Browser');

      const page = (await desktop.get('/devices')).text;
      const items = [...page.matchAll(/<li class="device" data-current="(true|false)">(.*?)<\/li>/g)];
      expect(items.map((m) => [m[1], m[2]!.split(' — ')[0]]).sort()).toEqual([
        ['false', 'Tablet Browser'],
        ['true', 'Desktop &lt;Browser&gt;'],
      ]);
      const action = page.match(/action="(\/devices\/revoke\/[A-Za-z0-9_-]{22})"/)![1]!;
      expect((await desktop.post(action)).text).not.toContain('Tablet Browser');
      expect((await tablet.get('/')).text).toBe('You are not logged in');
      expect((await tablet.get('/devices')).text).toContain('<form method="post">'); // sent to the login form
      expect((await desktop.get('/')).text).toBe(`Logged in as ${username}`);
    });
  });
}

describe('the micro-server-side entry point', () => {
  it('reads SESSION_TYPE, SESSION_FILE_DIR, PORT, HOST and SECRET_KEY from the environment', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    // The session package's tsconfig maps @micro/* to their sources, so no build is needed.
    const tsconfig = fileURLToPath(new URL('../../../packages/session/tsconfig.json', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: join(dir, 'main'), PORT: '0', HOST: '127.0.0.1', SECRET_KEY: 'from the environment' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      expect(line).toMatch(/^micro-server-side running on http:\/\/127\.0\.0\.1:\d+\/ with SESSION_TYPE=filesystem \(.*main\)/);
      const url = line.match(/(http:\/\/[^ ]+\/)/)![1]!;
      const login = await fetch(new URL('login', url), {
        method: 'POST',
        body: new URLSearchParams({ username: 'grace' }),
        redirect: 'manual',
      });
      expect(login.status).toBe(302);
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      // Signed with SECRET_KEY from the environment, as Flask-Session would sign it.
      expect(new Signer({ secretKeys: 'from the environment', salt: 'flask-session', keyDerivation: 'hmac' }).validate(cookie.slice('session='.length))).toBe(true);
      expect(await (await fetch(url, { headers: { cookie } })).text()).toBe('Logged in as grace');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

describe.skipIf(!redis.available)('the demo on node:cluster (src/cluster.ts) with Redis', () => {
  it('spreads one user over two workers without losing the session', async () => {
    const entry = fileURLToPath(new URL('../src/cluster.ts', import.meta.url));
    const tsconfig = fileURLToPath(new URL('../../../packages/session/tsconfig.json', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, SESSION_TYPE: 'redis', REDIS_URL: urls.redis, WORKERS: '2', PORT: '0', SECRET_KEY: 'cluster test key' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const started: string[] = [];
      for await (const line of lines) {
        started.push(line);
        if (started.length === 2) break;
      }
      const ports = new Set(started.map((l) => l.match(/:(\d+)\//)![1]));
      expect(ports.size).toBe(1); // one port, shared by the workers
      const url = started[0]!.match(/(http:\/\/[^ ]+\/)/)![1]!;

      // A new connection per request, so the primary's round-robin reaches both workers.
      const send = async (path: string, init: RequestInit & { cookie?: string } = {}) => {
        const headers: Record<string, string> = { connection: 'close' };
        if (init.cookie) headers.cookie = init.cookie;
        const r = await fetch(new URL(path, url), { ...init, headers, redirect: 'manual' });
        return { worker: r.headers.get('x-worker'), text: await r.text(), setCookie: r.headers.getSetCookie() };
      };
      const login = await send('login', { method: 'POST', body: new URLSearchParams({ username: 'lin' }) });
      const cookie = login.setCookie[0]!.split(';')[0]!;
      const workers = new Set<string | null>([login.worker]);
      for (let i = 0; i < 8; i++) {
        const r = await send('', { cookie });
        expect(r.text).toBe('Logged in as lin');
        workers.add(r.worker);
      }
      expect(workers).toEqual(new Set(['1', '2']));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
