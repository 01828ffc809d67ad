/**
 * The app every server-side test drives over HTTP: a login demo plus small
 * routes that read, write, nest, regenerate and destroy. Sessions are
 * installed through SESSION_TYPE and `sessions(app)`, as users do; the store
 * it builds is then wrapped in a RecordingStore so tests can see what was sent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { App, AppTestClient } from '@micro/core';
import { request } from '@micro/core';
import { session, sessions, Signer } from '../../src/index.js';
import { serverSession, ServerSideSessionInterface } from '../../src/server-side/index.js';
import type { SessionChanges, SessionData, SessionStore } from '../../src/stores/store.js';
import { quietApp, type Level } from '../helpers.js';

export const SECRET = 'server-side test secret';
export const COOKIE = 'session';

/** Records every call the interface makes, then forwards it to the real store. */
export class RecordingStore implements SessionStore {
  readonly name: string;
  readonly calls: Array<{ op: string; id: string; changes?: SessionChanges; ttlMs?: number }> = [];
  readonly cleanup?: () => Promise<number>;

  constructor(readonly inner: SessionStore) {
    this.name = inner.name;
    if (inner.cleanup) {
      this.cleanup = () => {
        this.calls.push({ op: 'cleanup', id: '' });
        return inner.cleanup!();
      };
    }
  }

  /** The operations since the last `reset()`, e.g. `['get', 'touch']`. */
  get ops(): string[] {
    return this.calls.map((c) => c.op);
  }

  reset(): void {
    this.calls.length = 0;
  }

  get(id: string): Promise<SessionData | null> {
    this.calls.push({ op: 'get', id });
    return this.inner.get(id);
  }
  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    this.calls.push({ op: 'set', id, ttlMs });
    return this.inner.set(id, data, ttlMs);
  }
  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    this.calls.push({ op: 'apply', id, changes, ttlMs });
    return this.inner.apply(id, changes, ttlMs);
  }
  destroy(id: string): Promise<void> {
    this.calls.push({ op: 'destroy', id });
    return this.inner.destroy(id);
  }
  touch(id: string, ttlMs: number): Promise<void> {
    this.calls.push({ op: 'touch', id, ttlMs });
    return this.inner.touch(id, ttlMs);
  }
}

export type TestApp = App & { logs: Record<Level, string[]>; store: RecordingStore };

/** Builds the test app; `configure` sets SESSION_TYPE and the store's keys. */
export function serverSideApp(configure: (app: App) => void, config: Record<string, unknown> = {}): TestApp {
  const app = quietApp({ config: { SECRET_KEY: SECRET, ...config } }) as TestApp;
  configure(app);
  Object.assign(app.config, config); // per-test overrides win over the harness defaults
  const installed = sessions(app);
  if (!(installed instanceof ServerSideSessionInterface)) throw new Error('sessions(app) did not install a server-side interface');
  app.store = new RecordingStore(installed.store);
  app.sessionInterface = new ServerSideSessionInterface(app.store);

  app.get('/', function index() {
    return String(session.get('username') ?? 'anonymous');
  });
  app.get('/peek', function peek() {
    return 'no session used';
  });
  app.get('/data', function data() {
    return session.toObject();
  });
  app.post('/login', async function login() {
    session.set('username', (await request.form()).get('username'));
    serverSession.regenerate();
    return 'logged in';
  });
  app.post('/logout', function logout() {
    serverSession.destroy();
    return 'logged out';
  });
  app.post('/logout-then-write', function logoutThenWrite() {
    serverSession.destroy();
    session.set('after', 'destroy');
    return 'ok';
  });
  app.post('/regenerate', function regenerate() {
    serverSession.regenerate();
    return 'ok';
  });
  app.post('/set', async function set() {
    // ?delay=ms holds the request between reading the session and changing it, so concurrent requests overlap.
    const delay = Number(request.args.get('delay') ?? 0);
    if (delay) await sleep(delay);
    session.set(request.args.get('key')!, request.args.get('value'));
    return 'ok';
  });
  app.post('/delete', function del() {
    session.delete(request.args.get('key')!);
    return 'ok';
  });
  app.post('/set-and-delete', function setAndDelete() {
    session.set('fleeting', 1);
    session.delete('fleeting');
    return 'ok';
  });
  app.post('/push', function push() {
    (session.setdefault('list', []) as unknown[]).push(Number(request.args.get('value')));
    return 'ok';
  });
  app.post('/bytes', function bytes() {
    session.set('bytes', new Uint8Array([0, 1, 2, 253, 254, 255]));
    return 'ok';
  });
  app.get('/bytes', function readBytes() {
    const value = session.get('bytes');
    return { isBytes: value instanceof Uint8Array, bytes: [...(value as Uint8Array)] };
  });
  app.post('/not-permanent', function notPermanent() {
    session.permanent = false;
    session.set('temp', true);
    return 'ok';
  });
  return app;
}

/** The session id in the client's cookie (unsigned), or undefined. */
export function sidOf(client: AppTestClient): string | undefined {
  const value = client.cookies.get(COOKIE);
  return value === undefined ? undefined : value.slice(0, value.lastIndexOf('.'));
}

/** Flask-Session's id signer for the test secret, built independently of the interface. */
export const flaskSessionSigner = new Signer({ secretKeys: SECRET, salt: 'flask-session', keyDerivation: 'hmac' });

export async function login(client: AppTestClient, username = 'alice'): Promise<string> {
  const r = await client.post('/login', { form: { username } });
  if (r.status !== 200) throw new Error(`login answered ${r.status}: ${r.text}`);
  return sidOf(client)!;
}
