// How `request`, `g` and `session` find their request: set directly around
// synchronous user code, through AsyncLocalStorage for code that continues
// after an await — and the storage switched off when no request needs it.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { App, abort, copyCurrentRequestContext, g, hasRequestContext, request } from '@micro/core';
import { Readable } from 'node:stream';
import { contextHolderCount } from '../src/context.js';

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
      during = contextHolderCount();
      return 'ok';
    });
    const client = app.testClient();
    await client.get('/sync');
    expect(contextHolderCount()).toBe(0);
    await client.get('/async');
    expect(during).toBe(1);
    expect(contextHolderCount()).toBe(0);
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

  it('does not follow raw timer and event callbacks; copyCurrentRequestContext carries it there', async () => {
    const app = new App();
    app.logger = { error: () => {}, warn: () => {}, info: () => {} };
    app.get('/raw', async () => {
      const seen = await new Promise<string>((resolve) => setTimeout(() => resolve(hasRequestContext() ? request.path : 'none'), 1));
      return seen;
    });
    app.get('/copied', async () => {
      const emitter = new EventEmitter();
      const seen = new Promise<string>((resolve) =>
        emitter.on('data', copyCurrentRequestContext((x: string) => resolve(`${x} ${request.path}`))),
      );
      setTimeout(() => emitter.emit('data', 'got'), 1);
      const later = await new Promise<string>((resolve) =>
        setTimeout(
          copyCurrentRequestContext(async () => {
            await tick();
            resolve(String(request.args.get('q')));
          }),
          1,
        ),
      );
      return `${await seen} ${later}`;
    });
    const client = app.testClient();
    expect((await client.get('/raw')).text).toBe('none');
    expect((await client.get('/copied?q=x')).text).toBe('got /copied x');
    expect(() => copyCurrentRequestContext(() => 1)).toThrow(/outside of request context/);
    await tick(5);
    expect(contextHolderCount()).toBe(0);
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
    expect(contextHolderCount()).toBe(0);
  });

  it('appContext() works for async functions and releases the storage afterwards', async () => {
    const app = new App({ name: 'bg' });
    const name = await app.appContext(async () => {
      await tick();
      g.x = 1;
      return `${String(g.x)}`;
    });
    expect(name).toBe('1');
    expect(contextHolderCount()).toBe(0);
    expect(app.appContext(() => 'sync')).toBe('sync');
    expect(contextHolderCount()).toBe(0);
  });
});
