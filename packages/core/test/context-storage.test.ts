// How `request`, `g` and `session` find their request: set directly around
// synchronous user code, through AsyncLocalStorage for code that continues
// after an await — and the storage switched off when no request needs it.
import { describe, expect, it } from 'vitest';
import { App, abort, g, request } from '@micro/core';
import { Readable } from 'node:stream';
import { storageHolderCount } from '../src/context.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('context locals without and with AsyncLocalStorage', () => {
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

  it('holds the storage only while a request that needs it is in flight', async () => {
    const app = new App();
    let during = -1;
    app.get('/sync', () => 'ok');
    app.get('/async', async () => {
      await tick();
      during = storageHolderCount();
      return 'ok';
    });
    const client = app.testClient();
    await client.get('/sync'); // first call of a function: run in the storage until proven synchronous
    await client.get('/sync');
    expect(storageHolderCount()).toBe(0);
    await client.get('/async');
    expect(during).toBe(1);
    expect(storageHolderCount()).toBe(0);
  });

  it('a view that turned out synchronous, then returns a promise, gets the storage on its next call', async () => {
    const app = new App();
    let slow = false;
    app.get('/sometimes', () => (slow ? tick().then(() => request.path) : request.path));
    const client = app.testClient();
    expect((await client.get('/sometimes')).text).toBe('/sometimes');
    expect((await client.get('/sometimes')).text).toBe('/sometimes');
    slow = true;
    // This first promise-returning call loses the context in its callback: a 500 …
    app.logger = { error: () => {}, warn: () => {}, info: () => {} };
    expect((await client.get('/sometimes')).status).toBe(500);
    // … and from then on the view runs with the storage.
    expect((await client.get('/sometimes')).text).toBe('/sometimes');
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
    const stream = await client.get('/stream');
    expect(stream.text).toBe('a /stream');
    expect(stream.headers.get('x-path')).toBe('/stream');
    await tick(20);
    expect(seen.sort()).toEqual(['teardown /conflict', 'teardown /stream']);
    expect(storageHolderCount()).toBe(0);
  });

  it('appContext() works for async functions and releases the storage afterwards', async () => {
    const app = new App({ name: 'bg' });
    const name = await app.appContext(async () => {
      await tick();
      g.x = 1;
      return `${String(g.x)}`;
    });
    expect(name).toBe('1');
    expect(storageHolderCount()).toBe(0);
    expect(app.appContext(() => 'sync')).toBe('sync');
    expect(storageHolderCount()).toBe(0);
  });
});
