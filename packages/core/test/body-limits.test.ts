import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';
import type { BodyLimits } from '../src/body/body-limits.js';
import { parseForm } from '../src/body/parse-form.js';
import { readBody } from '../src/body/read-body.js';
import { HTTPException } from '../src/errors.js';

// This process gets its own temp dir, so counting spooled uploads is reliable.
const originalTmp = process.env.TMPDIR;
const scratch = mkdtempSync(join(tmpdir(), 'micro-body-limits-'));
process.env.TMPDIR = scratch;
const uploadsLeft = (): string[] => readdirSync(scratch).filter((f) => f.startsWith('micro-upload-'));

/** What the server saw for one request: its answer, or the error it got. */
interface Outcome {
  status: number;
  message: string;
  tempFilesAfter: number;
}

// Outcomes in arrival order, so tests can check requests whose client never reads a response.
const outcomes: Outcome[] = [];
let notify: (() => void) | undefined;
async function nextOutcome(): Promise<Outcome> {
  while (outcomes.length === 0) await new Promise<void>((resolve) => (notify = resolve));
  return outcomes.shift()!;
}

function limitParam(url: URL, key: string): number | null {
  const value = url.searchParams.get(key);
  return value === null ? null : Number(value);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://test');
  const limits: BodyLimits = {
    maxContentLength: limitParam(url, 'cl'),
    maxFormMemorySize: limitParam(url, 'mem'),
    maxFormParts: limitParam(url, 'parts'),
  };
  let status = 200;
  let message = '';
  try {
    if (url.pathname === '/raw') {
      message = `read ${(await readBody(req, limits.maxContentLength)).length}`;
    } else {
      const parsed = await parseForm(req, req.headers['content-type'], limits);
      message = `fields ${[...parsed.form.entries()].length} files ${[...parsed.files.entries()].length}`;
      await parsed.cleanup();
    }
  } catch (error) {
    status = error instanceof HTTPException ? error.status : 500;
    message = error instanceof Error ? error.message : String(error);
  }
  outcomes.push({ status, message, tempFilesAfter: uploadsLeft().length });
  notify?.();
  if (!res.destroyed) {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(message);
  }
}

let loopback: LoopbackServer;
let base: string;
let port: number;

beforeAll(async () => {
  loopback = await startLoopbackServer((req, res) => void handle(req, res));
  base = loopback.base;
  port = loopback.port;
});

afterAll(async () => {
  await loopback.close();
  process.env.TMPDIR = originalTmp;
  rmSync(scratch, { recursive: true, force: true });
});

type Body = string | Buffer | FormData | Readable;

/** POST through undici; also returns what the server saw. */
async function post(path: string, body: Body, contentType?: string) {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const res = await request(base + path, { method: 'POST', body, headers });
  const text = await res.body.text();
  const seen = await nextOutcome();
  expect(seen.status).toBe(res.statusCode);
  return { status: res.statusCode, text, seen };
}

/** The same bytes as a stream, which undici sends chunked (no Content-Length). */
function chunked(data: Buffer | string, size = 16 * 1024): Readable {
  const buffer = Buffer.from(data);
  return Readable.from(
    (function* () {
      for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
    })(),
  );
}

/** A raw HTTP/1.1 socket, to send bodies that are truncated or never end. */
async function rawSocket(): Promise<{ socket: Socket; response: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  const response = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (isCompleteResponse(received)) resolve(received);
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
  return { socket, response };
}

/** One whole response: headers plus a Content-Length or chunked body. */
function isCompleteResponse(raw: string): boolean {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return false;
  const length = /content-length: (\d+)/i.exec(raw.slice(0, headEnd));
  if (length) return raw.length >= headEnd + 4 + Number(length[1]);
  return raw.endsWith('\r\n0\r\n\r\n');
}

const statusOf = (raw: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);

function multipart(boundary: string, parts: Array<{ name: string; filename?: string; data: string | Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const file = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.filename === undefined ? '' : '\r\nContent-Type: application/octet-stream';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}${type}\r\n\r\n`));
    chunks.push(Buffer.from(part.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const MP = 'multipart/form-data; boundary=BOUNDARY';

describe('MAX_CONTENT_LENGTH on readBody', () => {
  it('answers 413 to a large Content-Length body, and the client receives it', async () => {
    const { status, seen } = await post('/raw?cl=1000', Buffer.alloc(5_000_000, 120));
    expect(status).toBe(413);
    expect(seen.message).toMatch(/1000-byte limit/);
  });

  it('answers 413 to a chunked body once the streamed bytes pass the limit', async () => {
    const { status } = await post('/raw?cl=1000', chunked(Buffer.alloc(3_000_000, 120), 4096));
    expect(status).toBe(413);
  });

  it('accepts a body exactly at the limit, Content-Length or chunked', async () => {
    expect((await post('/raw?cl=1000', Buffer.alloc(1000, 1))).text).toBe('read 1000');
    expect((await post('/raw?cl=1000', chunked(Buffer.alloc(1000, 1), 100))).text).toBe('read 1000');
  });

  it('rejects on Content-Length alone, before any body byte is sent', async () => {
    const { socket, response } = await rawSocket();
    socket.write('POST /raw?cl=1000 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n');
    expect(statusOf(await response)).toBe(413);
    expect((await nextOutcome()).status).toBe(413);
    socket.destroy();
  });

  it('rejects a chunked body while it is still streaming, without waiting for its end', async () => {
    const { socket, response } = await rawSocket();
    socket.write('POST /raw?cl=1000 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = 'x'.repeat(600);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    // The terminating 0-chunk is never sent: the 413 must come anyway.
    expect(statusOf(await response)).toBe(413);
    expect((await nextOutcome()).status).toBe(413);
    socket.destroy();
  });

  it('keeps the connection usable after a 413 (the rest of the body is drained)', async () => {
    const { socket, response } = await rawSocket();
    const body = 'y'.repeat(5000);
    socket.write(`POST /raw?cl=1000 HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    socket.write('POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    const responses = await new Promise<string>((resolve) => {
      let all = '';
      socket.on('data', (chunk: Buffer) => {
        all += chunk.toString('latin1');
        if (all.includes('read 3')) resolve(all);
      });
      socket.on('close', () => resolve(all));
    });
    await response;
    expect(responses).toMatch(/^HTTP\/1\.1 413/);
    expect(responses).toContain('HTTP/1.1 200');
    expect(responses).toContain('read 3');
    expect((await nextOutcome()).status).toBe(413);
    expect((await nextOutcome()).status).toBe(200);
    socket.destroy();
  });
});

describe('MAX_FORM_MEMORY_SIZE', () => {
  const form = 'application/x-www-form-urlencoded';

  it('applies to a whole urlencoded body: over → 413, at the limit → 200', async () => {
    const atLimit = 'a=' + 'x'.repeat(98); // 100 bytes
    expect((await post('/?mem=100', atLimit, form)).text).toBe('fields 1 files 0');
    expect((await post('/?mem=100', atLimit + '&b', form)).status).toBe(413);
    // Many small fields count together, unlike multipart.
    expect((await post('/?mem=100', Array(30).fill('k=vv').join('&'), form)).status).toBe(413);
  });

  it('applies to a chunked urlencoded body too', async () => {
    expect((await post('/?mem=100', chunked('a=' + 'x'.repeat(200), 50), form)).status).toBe(413);
    expect((await post('/?mem=100', chunked('a=' + 'x'.repeat(98), 50), form)).status).toBe(200);
  });

  it('applies to each multipart field on its own', async () => {
    const at = multipart('BOUNDARY', [{ name: 'a', data: 'x'.repeat(100) }]);
    const over = multipart('BOUNDARY', [{ name: 'a', data: 'x'.repeat(101) }]);
    const several = multipart('BOUNDARY', [
      { name: 'a', data: 'x'.repeat(90) },
      { name: 'b', data: 'y'.repeat(90) },
      { name: 'c', data: 'z'.repeat(90) },
    ]);
    expect((await post('/?mem=100', at, MP)).text).toBe('fields 1 files 0');
    const rejected = await post('/?mem=100', over, MP);
    expect(rejected.status).toBe(413);
    expect(rejected.seen.message).toMatch(/MAX_FORM_MEMORY_SIZE/);
    expect((await post('/?mem=100', several, MP)).text).toBe('fields 3 files 0');
  });

  it('does not count file data', async () => {
    const body = multipart('BOUNDARY', [{ name: 'f', filename: 'f.bin', data: Buffer.alloc(10_000, 3) }]);
    expect((await post('/?mem=100', body, MP)).text).toBe('fields 0 files 1');
  });
});

describe('MAX_FORM_PARTS', () => {
  const parts = (n: number) =>
    Array.from({ length: n }, (_, i) => (i % 2 ? { name: `f${i}`, filename: `${i}.txt`, data: 'file' } : { name: `k${i}`, data: 'v' }));

  it('counts fields and files together: at the limit → 200, one more → 413', async () => {
    expect((await post('/?parts=4', multipart('BOUNDARY', parts(4)), MP)).text).toBe('fields 2 files 2');
    const over = await post('/?parts=4', multipart('BOUNDARY', parts(5)), MP);
    expect(over.status).toBe(413);
    expect(over.seen.message).toMatch(/MAX_FORM_PARTS/);
  });

  it('is enforced on a chunked multipart body', async () => {
    expect((await post('/?parts=3', chunked(multipart('BOUNDARY', parts(10)), 64), MP)).status).toBe(413);
  });

  it('does not apply to urlencoded forms (as in Werkzeug)', async () => {
    const body = Array(10).fill('k=v').join('&');
    expect((await post('/?parts=3', body, 'application/x-www-form-urlencoded')).text).toBe('fields 10 files 0');
  });
});

describe('MAX_CONTENT_LENGTH on forms', () => {
  const big = () => multipart('BOUNDARY', [{ name: 'f', filename: 'big.bin', data: Buffer.alloc(2_000_000, 9) }]);

  it('counts file data: 413 for a large Content-Length upload', async () => {
    expect((await post('/?cl=100000', big(), MP)).status).toBe(413);
  });

  it('counts file data: 413 for a chunked upload, and spooled temp files are removed', async () => {
    const { status, seen } = await post('/?cl=1000000', chunked(big(), 32 * 1024), MP);
    expect(status).toBe(413);
    expect(seen.tempFilesAfter).toBe(0);
  });

  it('accepts an upload under the limit', async () => {
    const form = new FormData();
    form.append('f', new Blob([Buffer.alloc(1000)]), 'f.bin');
    expect((await post('/?cl=100000', form)).text).toBe('fields 0 files 1');
  });

  it('is enforced for urlencoded bodies too', async () => {
    expect((await post('/?cl=10', 'a=12345678901', 'application/x-www-form-urlencoded')).status).toBe(413);
  });
});

describe('malformed multipart → 400', () => {
  it.each([
    ['no boundary parameter', 'multipart/form-data', multipart('BOUNDARY', [{ name: 'a', data: '1' }])],
    ['truncated before the closing boundary', MP, multipart('BOUNDARY', [{ name: 'a', data: '1' }]).subarray(0, -14)],
    ['no closing boundary', MP, Buffer.from('--BOUNDARY\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n')],
    ['not multipart at all', MP, Buffer.from('hello world')],
    ['a bad part header', MP, Buffer.from('--BOUNDARY\r\nBad Header: x\r\n\r\n1\r\n--BOUNDARY--\r\n')],
    ['a different boundary', MP, multipart('OTHER', [{ name: 'a', data: '1' }])],
  ])('%s', async (_name, contentType, body) => {
    const { status, seen } = await post('/', body, contentType);
    expect(status).toBe(400);
    expect(seen.message).toMatch(/boundary|malformed/i);
  });

  it('a malformed chunked body is a 400 too', async () => {
    expect((await post('/', chunked('garbage '.repeat(1000), 100), MP)).status).toBe(400);
  });
});

describe('aborted uploads', () => {
  it('readBody rejects with 400 when the client disconnects mid-body', async () => {
    const { socket } = await rawSocket();
    socket.write('POST /raw HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n' + 'z'.repeat(3000));
    socket.destroy();
    const seen = await nextOutcome();
    expect(seen.status).toBe(400);
    expect(seen.message).toMatch(/disconnected/);
  });

  it('readBody rejects with 400 when a chunked body is cut off', async () => {
    const { socket } = await rawSocket();
    socket.write('POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
    socket.end();
    expect((await nextOutcome()).status).toBe(400);
    socket.destroy();
  });

  it('a cut-off multipart upload is a 400 and its spooled temp file is removed', async () => {
    const body = multipart('BOUNDARY', [
      { name: 'a', data: 'field' },
      { name: 'f', filename: 'big.bin', data: Buffer.alloc(2_000_000, 5) },
    ]);
    const { socket } = await rawSocket();
    socket.write(`POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: ${MP}\r\nContent-Length: ${body.length}\r\n\r\n`);
    // Send well past the 500 KiB spool threshold, wait until the upload is on
    // disk, then hang up.
    socket.write(body.subarray(0, 1_200_000));
    while (uploadsLeft().length === 0) await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    const seen = await nextOutcome();
    expect(seen.status).toBe(400);
    expect(seen.tempFilesAfter).toBe(0);
    expect(uploadsLeft()).toEqual([]);
  });
});
