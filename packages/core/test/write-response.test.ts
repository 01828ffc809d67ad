import { connect } from 'node:net';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Response, requestListener, type MicroServer } from '@micro/core';
import { quietApp } from './helpers.js';

// Bodies of each kind and size class writeResponse meets.
const BODIES: Record<string, string | Uint8Array> = {
  ascii: 'Hello, World!',
  'ascii-16k': 'a'.repeat(16 * 1024),
  'ascii-large': 'b'.repeat(200_000),
  utf8: 'Logged in as zoë ✓ 😀',
  'utf8-mid': 'é'.repeat(700),
  'utf8-large': 'ü€'.repeat(30_000),
  bytes: Uint8Array.from({ length: 256 }, (_, i) => i),
  'bytes-large': Buffer.alloc(100_000, 0xfe),
  empty: '',
};

function bytesOf(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
}

interface RawResponse {
  head: string;
  body: Buffer;
}

/** Send `requests` on one socket at once (pipelined) and split what comes back by Content-Length. */
async function pipelined(port: number, requests: string[]): Promise<RawResponse[]> {
  const data = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.write(requests.join(''));
  });
  const out: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    expect(end).toBeGreaterThan(-1);
    const head = data.subarray(at, end).toString('latin1');
    const isHead = out.length < requests.length && requests[out.length]!.startsWith('HEAD');
    const length = isHead ? 0 : Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    out.push({ head, body: data.subarray(end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
  return out;
}

const get = (path: string, last = false, method = 'GET') =>
  `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;

describe('sending responses on the wire', () => {
  const app = quietApp();
  app.get('/body/<name>', function body({ name }: { name: string }) {
    return new Response(BODIES[name] ?? 'missing', { mimetype: 'application/octet-stream' });
  });
  app.get('/declared', function declared() {
    return ['abc', { 'Content-Length': '3' }];
  });
  let server: MicroServer;
  beforeAll(async () => {
    server = await app.listen(0, '127.0.0.1', { handleSignals: false });
  });
  afterAll(() => server.close());

  it('sends every kind of body byte for byte, with a matching Content-Length', async () => {
    const names = Object.keys(BODIES);
    const responses = await pipelined(
      server.port,
      names.map((name, i) => get(`/body/${name}`, i === names.length - 1)),
    );
    expect(responses).toHaveLength(names.length);
    names.forEach((name, i) => {
      const expected = bytesOf(BODIES[name]!);
      const { head, body } = responses[i]!;
      expect(head, name).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head, name).toContain(`\r\nContent-Length: ${expected.length}`);
      expect(body.equals(expected), name).toBe(true);
    });
  });

  it('keeps pipelined responses in order and HEAD without a body', async () => {
    const responses = await pipelined(server.port, [
      get('/body/ascii'),
      get('/body/utf8', false, 'HEAD'),
      get('/declared'),
      get('/body/bytes', true),
    ]);
    expect(responses.map((r) => r.body.toString('latin1').slice(0, 13))).toEqual([
      'Hello, World!',
      '',
      'abc',
      bytesOf(BODIES.bytes!).toString('latin1').slice(0, 13),
    ]);
    expect(responses[1]!.head).toContain(`Content-Length: ${bytesOf(BODIES.utf8!).length}`);
    expect(responses[2]!.head.match(/content-length/gi)).toHaveLength(1);
  });
});

describe('writeResponse through public APIs only', () => {
  it('hands every body byte to res.write/res.end, so a wrapper (compression, instrumentation) sees them all', async () => {
    const app = quietApp();
    app.get('/body/<name>', function body({ name }: { name: string }) {
      return new Response(BODIES[name] ?? 'missing', { mimetype: 'application/octet-stream' });
    });
    app.get('/stream', function stream() {
      return new Response(
        (async function* chunks() {
          yield 'one ';
          yield Buffer.from('two');
        })(),
      );
    });
    const seen = new Map<string, Buffer[]>();
    const listener = requestListener(app);
    const server = createServer((req, res) => {
      // What a compression or tracing middleware does: wrap write and end, count what passes.
      const chunks: Buffer[] = [];
      seen.set(req.url!, chunks);
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      const keep = (chunk: unknown) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), write(chunk, ...rest))) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => (typeof chunk === 'function' ? end(chunk) : (keep(chunk), end(chunk, ...rest)))) as typeof res.end;
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const name of Object.keys(BODIES)) {
        const got = Buffer.from(await (await fetch(`http://127.0.0.1:${port}/body/${name}`)).arrayBuffer());
        expect(got.equals(bytesOf(BODIES[name]!)), name).toBe(true);
        expect(Buffer.concat(seen.get(`/body/${name}`)!).equals(got), name).toBe(true);
      }
      expect(await (await fetch(`http://127.0.0.1:${port}/stream`)).text()).toBe('one two');
      expect(Buffer.concat(seen.get('/stream')!).toString()).toBe('one two');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
