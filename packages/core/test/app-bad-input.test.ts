import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { App, request, redirect, Response } from '@micro/core';
import { quietApp } from './helpers.js';

function makeApp() {
  const app = quietApp();
  app.config.MAX_CONTENT_LENGTH = 1024;
  app.post('/json', async function json() {
    return { got: await request.json() };
  });
  app.post('/form', async function form() {
    return (await request.form()).toObject();
  });
  app.post('/upload', async function upload() {
    const files = await request.files();
    return { n: files.size };
  });
  app.get('/p/<name>', function p({ name }) {
    return name;
  });
  app.get('/redirect', function redir() {
    return redirect(String(request.args.get('to')));
  });
  app.get('/cookie', function cookie() {
    return new Response('x').setCookie('a', String(request.args.get('v')));
  });
  return app;
}

/** Send raw bytes and return the response's status line. */
function rawRequest(port: number, payload: string | Buffer[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
    if (typeof payload === 'string') socket.write(payload);
    else for (const p of payload) socket.write(p);
    setTimeout(() => socket.end(), 300);
  });
}

describe('bad input never becomes a 500', () => {
  const app = makeApp();
  const client = app.testClient();

  it('malformed percent-encoding in the path → 400', async () => {
    const res = await client.get('/p/%E0%A4%A');
    expect(res.status).toBe(400);
  });

  it('invalid JSON → 400; wrong content type → 415', async () => {
    const bad = await client.post('/json', { body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Failed to decode JSON object');
    const wrong = await client.post('/json', { body: '{}', headers: { 'content-type': 'text/plain' } });
    expect(wrong.status).toBe(415);
    const ok = await client.post('/json', { json: { a: 1 } });
    expect(ok.json()).toEqual({ got: { a: 1 } });
  });

  it('a body over MAX_CONTENT_LENGTH → 413, by Content-Length and while streaming', async () => {
    const big = await client.post('/form', { form: { data: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    const server = await app.listen(0, '127.0.0.1', { handleSignals: false });
    try {
      const chunk = 'x'.repeat(800);
      const chunked = await rawRequest(server.port, [
        Buffer.from('POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n'),
        Buffer.from(`${chunk.length.toString(16)}\r\na=${chunk.slice(2)}\r\n`),
        Buffer.from(`${chunk.length.toString(16)}\r\n${chunk}\r\n`),
        Buffer.from('0\r\n\r\n'),
      ]);
      expect(chunked).toMatch(/^HTTP\/1.1 413 /);
    } finally {
      await server.close();
    }
  });

  it('too many form parts or too much form memory → 413', async () => {
    app.config.MAX_CONTENT_LENGTH = null;
    app.config.MAX_FORM_PARTS = 5;
    const fields: Record<string, string> = {};
    for (let i = 0; i < 10; i++) fields[`f${i}`] = 'v';
    expect((await client.post('/upload', { multipart: fields })).status).toBe(413);
    app.config.MAX_FORM_PARTS = 1000;
    app.config.MAX_FORM_MEMORY_SIZE = 100;
    expect((await client.post('/upload', { multipart: { big: 'y'.repeat(500) } })).status).toBe(413);
    app.config.MAX_FORM_MEMORY_SIZE = 500_000;
    app.config.MAX_CONTENT_LENGTH = 1024;
  });

  it('malformed multipart → 400', async () => {
    const res = await client.post('/upload', {
      body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expect(res.status).toBe(400);
    const noBoundary = await client.post('/upload', { body: 'abc', headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.status).toBe(400);
  });

  it('CR/LF in a redirect location or cookie value is rejected, never written into a header', async () => {
    const r = await client.get('/redirect', { query: { to: '/x\r\nSet-Cookie: evil=1' } });
    expect(r.status).toBe(500);
    expect(r.headers.get('set-cookie')).toBeNull();
    const c = await client.get('/cookie', { query: { v: 'a\r\nX-Evil: 1' } });
    expect(c.status).toBe(500);
    expect(c.headers.get('x-evil')).toBeNull();
  });

  it('a huge header hits the server limit (431), not a crash', async () => {
    const server = await app.listen(0, '127.0.0.1', { handleSignals: false });
    try {
      const status = await rawRequest(server.port, `GET /p/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      const after = await fetch(`${server.url}/p/still-up`);
      expect(await after.text()).toBe('still-up');
    } finally {
      await server.close();
    }
  });

  it('a slow client is cut by the headers timeout', async () => {
    const slowApp = new App();
    slowApp.get('/', function index() {
      return 'x';
    });
    const server = await slowApp.listen(0, '127.0.0.1', { handleSignals: false, headersTimeout: 300, requestTimeout: 300 });
    try {
      const started = Date.now();
      const closed = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        let data = '';
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
        socket.on('data', (d) => (data += d.toString()));
        socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
      });
      expect(closed).toBe('HTTP/1.1 408 Request Timeout');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });
});
