/**
 * Scale-out: two real app processes (node --import tsx fixtures/scale-out-app.ts)
 * share one Redis and one secret key and serve one user alternately, as
 * behind a round-robin load balancer. Nothing is lost, including under
 * concurrent requests spread over both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CookieJar } from '@micro/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkService, hostPort, probeTcp, uniqueSuffix, urls } from '../stores/services.js';

const { host, port } = hostPort(urls.redis, 6379);
const redis = await checkService('Redis', urls.redis, () => probeTcp(host, port));
const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const appFile = fileURLToPath(new URL('./fixtures/scale-out-app.ts', import.meta.url));

interface AppProcess {
  child: ChildProcess;
  url: string;
}

async function startApp(name: string, env: Record<string, string>): Promise<AppProcess> {
  // cwd = packages/session: tsx reads its tsconfig, whose paths point @micro/core at the sources.
  const child = spawn(process.execPath, ['--import', 'tsx', appFile], {
    cwd: packageDir,
    env: { ...process.env, ...env, APP_NAME: name },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${name} exited with code ${String(code)} before listening`);
    }),
  ]);
  return { child, url: `http://127.0.0.1:${(JSON.parse(first) as { port: number }).port}` };
}

/** A browser: one cookie jar, requests to whichever process the "load balancer" picks. */
class Browser {
  readonly jar = new CookieJar({ defaultDomain: '127.0.0.1' });
  async request(target: AppProcess, method: string, path: string, form?: Record<string, string>) {
    const url = new URL(path, target.url);
    const headers: Record<string, string> = {};
    const cookie = this.jar.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' });
    this.jar.store(response.headers.getSetCookie(), url);
    return { status: response.status, servedBy: response.headers.get('x-served-by'), text: await response.text() };
  }
}

describe.skipIf(!redis.available)('two app processes sharing one Redis and one secret key', () => {
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    const env = { REDIS_URL: urls.redis, SECRET_KEY: `shared secret ${uniqueSuffix()}`, SESSION_KEY_PREFIX: `test:scale:${uniqueSuffix()}:` };
    apps.push(...(await Promise.all([startApp('A', env), startApp('B', env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(
      apps.map(async ({ child }) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
  });

  it('serve one user alternately without losing anything', async () => {
    const [a, b] = apps as [AppProcess, AppProcess];
    const user = new Browser();
    expect((await user.request(a, 'POST', '/login', { username: 'alice' })).servedBy).toBe('A');
    const read = await user.request(b, 'GET', '/');
    expect(read).toMatchObject({ status: 200, servedBy: 'B', text: 'alice' });
    for (let i = 0; i < 10; i++) {
      const r = await user.request(i % 2 ? b : a, 'POST', `/set?key=step${i}&value=${i}`);
      expect(r).toMatchObject({ status: 200, servedBy: i % 2 ? 'B' : 'A' });
    }
    const data = JSON.parse((await user.request(a, 'GET', '/data')).text) as Record<string, unknown>;
    expect(data).toMatchObject({ username: 'alice', ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`step${i}`, String(i)])) });
  });

  it('keep every key when concurrent requests of one session are spread over both processes', async () => {
    const [a, b] = apps as [AppProcess, AppProcess];
    const user = new Browser();
    await user.request(b, 'POST', '/login', { username: 'bob' });
    const n = 40;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) => user.request(i % 2 ? a : b, 'POST', `/set?key=k${i}&value=${i}&delay=20`)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(n).fill(200));
    expect(new Set(responses.map((r) => r.servedBy))).toEqual(new Set(['A', 'B']));
    const data = JSON.parse((await user.request(a, 'GET', '/data')).text) as Record<string, unknown>;
    for (let i = 0; i < n; i++) expect(data[`k${i}`]).toBe(String(i));
    expect(data.username).toBe('bob');
  });

  it('a login (regenerate) on one process invalidates the old id on the other', async () => {
    const [a, b] = apps as [AppProcess, AppProcess];
    const user = new Browser();
    await user.request(a, 'POST', '/set?key=cart&value=1');
    const attacker = new Browser();
    for (const cookie of user.jar.all()) attacker.jar.set(cookie.name, cookie.value);
    await user.request(b, 'POST', '/login', { username: 'carol' });
    expect((await user.request(a, 'GET', '/')).text).toBe('carol');
    expect((await attacker.request(a, 'GET', '/')).text).toBe('anonymous');
  });
});
