// How `request`, `g` and `session` find their request: one AsyncLocalStorage
// entered per request, followed through awaits, promise callbacks, timers and
// event listeners.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { App, abort, copyCurrentRequestContext, g, hasRequestContext, request } from '@micro/core';
import { Readable } from 'node:stream';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('context locals on AsyncLocalStorage', () => {
  it('keeps 60 concurrent requests apart across awaits, timers and promise callbacks, mixed with sync views', async () => {
    const app = new App();
    app.beforeRequest(async () => {
      await tick(Math.random() * 3);
      g.id = request.args.get('id');
    });
    app.get('/async', async () => {
      await tick(Math.random() * 3);
      await Promise.resolve();
      return `${request.args.get('id')}:${String(g.id)}`;
    });
    // Not declared async, but returns a promise whose callback reads the globals.
    app.get('/then', () => tick(Math.random() * 3).then(() => `${request.args.get('id')}:${String(g.id)}`));
    app.get('/sync', () => `${request.args.get('id')}:${String(g.id)}`);
    const client = app.testClient();
    const paths = Array.from({ length: 60 }, (_, i) => `/${['async', 'then', 'sync'][i % 3]}?id=${i}`);
    for (let round = 0; round < 2; round++) {
      const texts = await Promise.all(paths.map((p) => client.get(p).then((r) => r.text)));
      expect(texts).toEqual(paths.map((_, i) => `${i}:${i}`));
    }
  });

  it('a view that is not async and returns a promise only sometimes keeps its context on the first such call', async () => {
    const app = new App();
    let slow = false;
    app.get('/sometimes', () => (slow ? tick().then(() => request.path) : request.path));
    const client = app.testClient();
    expect((await client.get('/sometimes')).text).toBe('/sometimes');
    slow = true;
    expect((await client.get('/sometimes')).text).toBe('/sometimes');
  });

  it('never shows a request another one: promises made outside any request, awaited by many', async () => {
    const app = new App();
    let release!: () => void;
    const shared = new Promise<void>((resolve) => (release = resolve)); // made outside any request
    app.get('/wait', async () => {
      await shared;
      const afterShared = request.args.get('id');
      await shared.then(() => tick());
      return `${afterShared}:${request.args.get('id')}`;
    });
    const client = app.testClient();
    const pending = Array.from({ length: 20 }, (_, i) => client.get(`/wait?id=${i}`).then((r) => r.text));
    await tick(5);
    release();
    expect(await Promise.all(pending)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}:${i}`));
  });

  it('follows raw timer and event callbacks started by the request; copyCurrentRequestContext carries it to code started elsewhere', async () => {
    const app = new App();
    const outside = new EventEmitter(); // made at start-up, outside any request
    app.get('/raw', async () => {
      const timer = await new Promise<string>((resolve) => setTimeout(() => resolve(request.path), 1));
      const emitter = new EventEmitter();
      const event = new Promise<string>((resolve) => emitter.on('data', (x: string) => resolve(`${x} ${request.args.get('q')}`)));
      setImmediate(() => emitter.emit('data', 'got'));
      return `${timer} ${await event}`;
    });
    app.get('/copied', async () => {
      const seen = new Promise<string>((resolve) => outside.once('data', copyCurrentRequestContext((x: string) => resolve(`${x} ${request.path}`))));
      return seen;
    });
    const client = app.testClient();
    expect((await client.get('/raw?q=x')).text).toBe('/raw got x');
    const copied = client.get('/copied');
    await tick(5);
    // Emitted from outside any request: only the copied callback knows which request it belongs to.
    expect(hasRequestContext()).toBe(false);
    outside.emit('data', 'got');
    expect((await copied).text).toBe('got /copied');
    expect(() => copyCurrentRequestContext(() => 1)).toThrow(/outside of request context/);
  });

  it('gives the context to async error handlers, after-request and teardown hooks, and to streamed bodies', async () => {
    const app = new App();
    const seen: string[] = [];
    app.errorHandler(409, async () => {
      await tick();
      return [`handled ${request.path}`, 200];
    });
    app.afterRequest(async (response) => {
      await tick();
      response.headers.set('X-Path', request.path);
      return response;
    });
    app.teardownRequest(async () => {
      await tick();
      seen.push(`teardown ${request.path}`);
    });
    app.get('/conflict', async () => {
      await tick();
      abort(409);
    });
    app.get('/stream', function stream() {
      return Readable.from(
        (async function* body() {
          yield 'a ';
          await tick();
          yield request.path;
        })(),
      );
    });
    const client = app.testClient();
    const handled = await client.get('/conflict');
    expect([handled.status, handled.text, handled.headers.get('x-path')]).toEqual([200, 'handled /conflict', '/conflict']);
    // In-process, teardown is over when the call returns.
    expect(seen).toEqual(['teardown /conflict']);
    const stream = await client.get('/stream');
    expect(stream.text).toBe('a /stream');
    expect(stream.headers.get('x-path')).toBe('/stream');
    expect(seen).toEqual(['teardown /conflict', 'teardown /stream']);
    // Over real HTTP the streamed body is produced in the request's context too.
    expect((await app.testClient({ http: true }).get('/stream')).text).toBe('a /stream');
  });

  it('appContext() works for async functions and ends with them', async () => {
    const app = new App({ name: 'bg' });
    const name = await app.appContext(async () => {
      await tick();
      g.x = 1;
      return `${String(g.x)}`;
    });
    expect(name).toBe('1');
    expect(app.appContext(() => 'sync')).toBe('sync');
    expect(() => g.x).toThrow(/outside of application context/);
  });
});
