import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TestResponse } from '@micro/core';
import { createApp } from '../src/app.js';

interface Step {
  method: string;
  path: string;
  form: Record<string, string> | null;
  status: number;
  location: string | null;
  vary: string | null;
  set_cookie: string[];
  content_type: string | null;
  body: string;
}

// What Flask 3.1 answers for the same demo (packages/session/test/fixtures/make_http_fixtures.py).
const flask = JSON.parse(
  readFileSync(new URL('../../../packages/session/test/fixtures/flask-http.json', import.meta.url), 'utf8'),
) as { secret: string; login: Step[] };

const shape = (c: string) => c.replace(/^([^=]+)=([^;]+)/, '$1=<value>');

function record(r: TestResponse) {
  return {
    status: r.status,
    location: r.headers.get('location'),
    vary: r.headers.get('vary'),
    set_cookie: r.headers.getSetCookie().map(shape),
    content_type: r.headers.get('content-type'),
    body: r.text,
  };
}

describe('the login example over HTTP', () => {
  it('greets, logs in, escapes the name, logs out', async () => {
    const client = createApp('test-key').testClient({ followRedirects: true });
    expect((await client.get('/')).text).toBe('You are not logged in');
    const form = await client.get('/login');
    expect(form.text).toContain('<form method="post">');
    expect(form.text).toContain('<input type=text name=username>');
    const home = await client.post('/login', { form: { username: '<script>alert(1)</script>' } });
    expect(home.history.map((r) => [r.status, r.headers.get('location')])).toEqual([[302, '/']]);
    expect(home.text).toBe('Logged in as &lt;script&gt;alert(1)&lt;/script&gt;');
    const out = await client.get('/logout');
    expect(out.text).toBe('You are not logged in');
    expect(client.cookieHeaderFor('/')).toBeUndefined();
  });

  it('answers exactly as the same demo in Flask (with Flask\'s SameSite default)', async () => {
    const app = createApp(flask.secret);
    app.config.SESSION_COOKIE_SAMESITE = null;
    const client = app.testClient();
    for (const step of flask.login) {
      const r = await client.request(step.method, step.path, step.form ? { form: step.form } : {});
      const { method, path, form, ...expected } = step;
      expect({ method, path, form, ...record(r) }).toEqual({ method, path, form, ...expected });
    }
  });

  it('differs from Flask only by SameSite=Lax on the cookie by default', async () => {
    const client = createApp('k').testClient();
    const login = await client.post('/login', { form: { username: 'ada' } });
    expect(login.headers.getSetCookie().map(shape)).toEqual(['session=<value>; HttpOnly; Path=/; SameSite=Lax']);
    const logout = await client.get('/logout');
    expect(logout.headers.getSetCookie()).toEqual(['session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/; SameSite=Lax']);
  });
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Start a command, wait for its first line on stdout, and collect stderr. */
function start(args: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 15_000);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running on (http:\/\/\S+?)\/? /.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        stderr: () => stderr,
        stop: () => new Promise((done) => (child.once('exit', () => done()), child.kill('SIGTERM'))),
      });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}; stderr: ${stderr}`)));
  });
}

describe('running the example', () => {
  it('reads PORT, HOST and SECRET_KEY, prints its URL, warns without a key', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', SECRET_KEY: '', TSX_TSCONFIG_PATH: 'packages/session/tsconfig.json' };
    const server = await start(['--import', 'tsx', 'examples/login/src/main.ts'], env);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(server.url + '/');
      expect(await r.text()).toBe('You are not logged in');
      expect(server.stderr()).toMatch(/SECRET_KEY is not set; using a development key/);
    } finally {
      await server.stop();
    }
  });

  it('signs with SECRET_KEY from the environment, without the warning', async () => {
    const env = { PORT: '0', SECRET_KEY: 'from-env', TSX_TSCONFIG_PATH: 'packages/session/tsconfig.json' };
    const server = await start(['--import', 'tsx', 'examples/login/src/main.ts'], env);
    try {
      const r = await fetch(server.url + '/login', { method: 'POST', body: new URLSearchParams({ username: 'ada' }), redirect: 'manual' });
      const cookie = r.headers.getSetCookie()[0]!.split(';')[0]!;
      const { loadsSessionCookie } = await import('@micro/session');
      expect(loadsSessionCookie(cookie.slice('session='.length), 'from-env')).toEqual({ username: 'ada' });
      expect(server.stderr()).not.toMatch(/SECRET_KEY is not set/);
    } finally {
      await server.stop();
    }
  });

  const built = existsSync(new URL('../dist/main.js', import.meta.url));
  it.skipIf(!built)('the micro-login bin shim runs the built app (after `npm run build`)', async () => {
    const server = await start(['examples/login/bin/micro-login.js'], { PORT: '0', SECRET_KEY: 'k' });
    try {
      expect(await (await fetch(server.url + '/')).text()).toBe('You are not logged in');
    } finally {
      await server.stop();
    }
  });
});
