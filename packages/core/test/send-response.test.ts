import { connect } from 'node:net';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Response, type MicroServer } from '@micro/core';
import { sendResponse } from '../src/send-response.js';
import { quietApp } from './helpers.js';

// Bodies that take each of sendResponse's write strategies (see send-response.ts).
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

describe('sendResponse without node internals it relies on', () => {
  it('falls back to res.end(body) when the serialized head is not a string', () => {
    const calls: unknown[][] = [];
    const res = {
      chunkedEncoding: false,
      strictContentLength: false,
      writeHead: (...args: unknown[]) => void calls.push(['writeHead', ...args]),
      end: (...args: unknown[]) => void calls.push(['end', ...args]),
    } as unknown as ServerResponse;
    sendResponse(res, new Response('hi there'), false);
    expect(calls).toEqual([
      ['writeHead', 200, ['Content-Type', 'text/html; charset=utf-8', 'Content-Length', '8']],
      ['end', 'hi there'],
    ]);
  });
});
