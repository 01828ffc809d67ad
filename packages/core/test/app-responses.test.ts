import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { App, Response, jsonify, makeResponse, redirect } from '@micro/core';
import { quietApp } from './helpers.js';

let app: App;
afterEach(() => undefined);

describe('handler return values (as Flask)', () => {
  app = quietApp();
  app.get('/str', function str() {
    return '<b>hi</b>';
  });
  app.get('/obj', function obj() {
    return { a: 1, nested: { b: [1, 2] } };
  });
  app.get('/arr', function arr() {
    return [1, 2, 3];
  });
  app.get('/arr-objs', function arrObjs() {
    return [{ a: 1 }, { b: 2 }];
  });
  app.get('/status', function status() {
    return ['created', 201];
  });
  app.get('/status-headers', function statusHeaders() {
    return ['teapot', 418, { 'X-Kind': 'tea' }];
  });
  app.get('/headers', function headersOnly() {
    return ['with header', { 'X-Extra': 'yes' }];
  });
  app.get('/json-status', function jsonStatus() {
    return [{ error: 'nope' }, 400];
  });
  app.get('/buffer', function buffer() {
    return Buffer.from('bytes!');
  });
  app.get('/stream', function stream() {
    return Readable.from(['chunk1 ', 'chunk2']);
  });
  app.get('/generator', function generator() {
    return (async function* () {
      yield 'a';
      yield 'b';
    })();
  });
  app.get('/response', function response() {
    return new Response('custom', { status: 202, mimetype: 'text/plain' });
  });
  app.get('/jsonify', function json() {
    return jsonify({ ok: true });
  });
  app.get('/async', async function asyncView() {
    await new Promise((r) => setTimeout(r, 5));
    return 'later';
  });
  app.get('/nothing', function nothing() {
    return undefined as unknown as string;
  });
  app.get('/redirect', function redir() {
    return redirect('/target');
  });
  app.get('/redirect-301', function redir301() {
    return redirect('/target', 301);
  });
  const client = app.testClient();

  it('a string is text/html; charset=utf-8', async () => {
    const res = await client.get('/str');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toBe('<b>hi</b>');
    expect(res.headers.get('content-length')).toBe('9');
  });

  it('objects and arrays are JSON', async () => {
    const obj = await client.get('/obj');
    expect(obj.headers.get('content-type')).toBe('application/json');
    expect(obj.json()).toEqual({ a: 1, nested: { b: [1, 2] } });
    expect((await client.get('/arr')).json()).toEqual([1, 2, 3]);
    expect((await client.get('/arr-objs')).json()).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('tuples set status and headers', async () => {
    const a = await client.get('/status');
    expect([a.status, a.text]).toEqual([201, 'created']);
    const b = await client.get('/status-headers');
    expect([b.status, b.text, b.headers.get('x-kind')]).toEqual([418, 'teapot', 'tea']);
    const c = await client.get('/headers');
    expect([c.status, c.headers.get('x-extra')]).toEqual([200, 'yes']);
    const d = await client.get('/json-status');
    expect(d.status).toBe(400);
    expect(d.json()).toEqual({ error: 'nope' });
  });

  it('buffers, streams and async generators', async () => {
    expect((await client.get('/buffer')).text).toBe('bytes!');
    const s = await client.get('/stream');
    expect(s.text).toBe('chunk1 chunk2');
    expect(s.headers.get('content-length')).toBeNull();
    // On the wire a streamed body goes out chunked.
    const wire = await app.testClient({ http: true }).get('/stream');
    expect([wire.text, wire.headers.get('transfer-encoding')]).toEqual(['chunk1 chunk2', 'chunked']);
    expect((await client.get('/generator')).text).toBe('ab');
  });

  it('Response objects, jsonify and async handlers', async () => {
    const r = await client.get('/response');
    expect([r.status, r.text, r.headers.get('content-type')]).toEqual([202, 'custom', 'text/plain; charset=utf-8']);
    expect((await client.get('/jsonify')).json()).toEqual({ ok: true });
    expect((await client.get('/async')).text).toBe('later');
  });

  it('undefined is a 500 that names the endpoint in the log, not in the page', async () => {
    const logged = (app as unknown as { logged: unknown[][] }).logged;
    logged.length = 0;
    const res = await client.get('/nothing');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('nothing');
    expect(String(logged[0]?.[1])).toContain("The view function for 'nothing' did not return a valid response");
  });

  it('redirect() gives 302 with Location and a small HTML body; other codes too', async () => {
    const res = await client.get('/redirect');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/target');
    expect(res.text).toContain('<a href="/target">/target</a>');
    expect((await client.get('/redirect-301')).status).toBe(301);
  });

  it('HEAD has headers and no body', async () => {
    const res = await client.head('/str');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('9');
    expect(res.text).toBe('');
  });
});

describe('makeResponse', () => {
  it('reads Flask tuples and leaves JSON arrays alone', () => {
    expect(makeResponse(['x', 201]).status).toBe(201);
    expect(makeResponse([1, 200]).mimetype).toBe('application/json');
    expect(makeResponse(['a', 'b']).mimetype).toBe('application/json');
    expect(() => makeResponse(undefined, 'ep')).toThrow(/'ep'/);
    expect(() => makeResponse(42)).toThrow(/number/);
  });

  it('rejects CR/LF in redirect locations and header values', () => {
    expect(() => redirect('/x\r\nSet-Cookie: evil=1')).toThrow(/CR, LF/);
    const r = new Response('x');
    expect(() => r.headers.set('X-A', 'a\nb')).toThrow(/newline/);
  });

  it('setCookie and deleteCookie write Set-Cookie headers', () => {
    const r = new Response('x');
    r.setCookie('a', 'b', { httpOnly: true, sameSite: 'Lax', maxAge: 60 });
    r.deleteCookie('old');
    const cookies = r.headers.getAll('set-cookie');
    expect(cookies[0]).toMatch(/^a=b; /);
    expect(cookies[0]).toContain('HttpOnly');
    expect(cookies[0]).toContain('Max-Age=60');
    expect(cookies[1]).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(() => r.setCookie('c', 'x\r\ny')).toThrow();
  });
});

describe('a response that is never sent releases its body', () => {
  const streamed = () => {
    const body = new Readable({ read() {} }); // never ends on its own: a file being read, say
    return body;
  };

  it('when an after-request hook replaces it', async () => {
    const app = quietApp();
    const bodies: Readable[] = [];
    app.get('/file', function file() {
      const body = streamed();
      bodies.push(body);
      return new Response(body);
    });
    app.afterRequest(() => new Response('replaced'));
    expect((await app.testClient().get('/file')).text).toBe('replaced');
    expect(bodies[0]!.destroyed).toBe(true);
  });

  it('when finalizing fails and an error page replaces it', async () => {
    const app = quietApp();
    const bodies: Readable[] = [];
    app.get('/file', function file() {
      const body = streamed();
      bodies.push(body);
      return new Response(body);
    });
    app.afterRequest(() => {
      throw new Error('hook failed');
    });
    expect((await app.testClient().get('/file')).status).toBe(500);
    expect(bodies[0]!.destroyed).toBe(true);
  });
});
