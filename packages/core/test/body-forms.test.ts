import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../src/body/body-limits.js';
import { parseForm } from '../src/body/parse-form.js';
import { readBody } from '../src/body/read-body.js';
import { HTTPException } from '../src/errors.js';

// Spooled uploads go to os.tmpdir(); give this test process its own, so counting
// files there is not disturbed by other test files running in parallel.
const originalTmp = process.env.TMPDIR;
const scratch = mkdtempSync(join(tmpdir(), 'micro-body-forms-'));
process.env.TMPDIR = scratch;

const uploadsIn = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('micro-upload-'));

interface FileReport {
  fieldName: string;
  filename: string;
  contentType: string;
  size: number;
  spooled: boolean;
  sha256: string;
  streamed: string;
}

/** Parse the body as a form (or read it raw for /raw) and report what was seen. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://test');
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS };
  try {
    if (url.pathname === '/raw') {
      const body = await readBody(req, null);
      return send(res, 200, { length: body.length, text: body.toString('utf8') });
    }
    let source: IncomingMessage | Buffer = req;
    if (url.pathname === '/buffered') source = await readBody(req, null);
    const parsed = await parseForm(source, req.headers['content-type'], limits);
    const files: FileReport[] = [];
    for (const [, file] of parsed.files) {
      const bytes = await file.bytes();
      let streamed = '';
      for await (const chunk of file.stream()) streamed += `${(chunk as Buffer).length},`;
      files.push({
        fieldName: file.fieldName,
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        spooled: file.spooled,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        streamed,
      });
    }
    const tempBefore = uploadsIn(scratch).length;
    await parsed.cleanup();
    send(res, 200, {
      form: parsed.form.toJSON(),
      entries: [...parsed.form.entries()],
      files,
      tempBefore,
      tempAfter: uploadsIn(scratch).length,
    });
  } catch (error) {
    if (error instanceof HTTPException) send(res, error.status, { error: error.message });
    else send(res, 500, { error: String(error) });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

let loopback: LoopbackServer;
let base: string;

beforeAll(async () => {
  loopback = await startLoopbackServer((req, res) => void handle(req, res));
  base = loopback.base;
});

afterAll(async () => {
  await loopback.close();
  process.env.TMPDIR = originalTmp;
  rmSync(scratch, { recursive: true, force: true });
});

async function post(path: string, body: string | Buffer | FormData, contentType?: string) {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const res = await request(base + path, { method: 'POST', body, headers });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

describe('urlencoded forms', () => {
  it('parses fields with + as space, repeated keys in order, unicode', async () => {
    const body = new URLSearchParams([
      ['name', 'Ada Lovelace'],
      ['tag', 'a'],
      ['city', 'Zürich ☃'],
      ['tag', 'b&c=d'],
    ]).toString();
    expect(body).toContain('+'); // URLSearchParams encodes spaces as '+'
    const { status, json } = await post('/', body, 'application/x-www-form-urlencoded');
    expect(status).toBe(200);
    expect(json.form).toEqual({ name: 'Ada Lovelace', tag: ['a', 'b&c=d'], city: 'Zürich ☃' });
    expect(json.entries).toEqual([
      ['name', 'Ada Lovelace'],
      ['tag', 'a'],
      ['city', 'Zürich ☃'],
      ['tag', 'b&c=d'],
    ]);
  });

  it('accepts a charset parameter and keeps bad escapes literally', async () => {
    const { status, json } = await post('/', 'a=%zz&b=%e9&flag', 'application/x-www-form-urlencoded; charset=UTF-8');
    expect(status).toBe(200);
    expect(json.form).toEqual({ a: '%zz', b: '%E9', flag: '' });
  });

  it('gives an empty form for an empty body', async () => {
    const { status, json } = await post('/', '', 'application/x-www-form-urlencoded');
    expect(status).toBe(200);
    expect(json.form).toEqual({});
  });

  it('parses a body that was already read into a Buffer', async () => {
    const { status, json } = await post('/buffered', 'x=1&x=2', 'application/x-www-form-urlencoded');
    expect(status).toBe(200);
    expect(json.form).toEqual({ x: ['1', '2'] });
  });
});

describe('other content types', () => {
  it('give empty dicts and leave the body alone', async () => {
    for (const type of ['application/json', 'text/plain', undefined]) {
      const { status, json } = await post('/', 'a=1', type);
      expect(status).toBe(200);
      expect(json.form).toEqual({});
      expect(json.files).toEqual([]);
    }
  });

  it('readBody returns the raw bytes', async () => {
    const text = '{"ünï": "cödé"}';
    const { status, json } = await post('/raw', text, 'application/json');
    expect(status).toBe(200);
    expect(json).toEqual({ length: Buffer.byteLength(text), text });
  });

  it('readBody gives an empty buffer for an empty body', async () => {
    const { status, json } = await post('/raw', '', 'text/plain');
    expect(status).toBe(200);
    expect(json).toEqual({ length: 0, text: '' });
  });
});

describe('multipart forms', () => {
  it('parses fields and several files, in memory and spooled to disk', async () => {
    const small = Buffer.from('hello, world\n');
    const large = Buffer.alloc(700 * 1024);
    for (let i = 0; i < large.length; i++) large[i] = (i * 31) % 251;
    const form = new FormData();
    form.append('title', 'Holiday ☀️');
    form.append('tag', 'x');
    form.append('doc', new Blob([small], { type: 'text/plain' }), 'notes.txt');
    form.append('tag', 'y');
    form.append('doc', new Blob([large], { type: 'application/octet-stream' }), 'big.bin');
    form.append('photo', new Blob([Buffer.from('GIF89a')], { type: 'image/gif' }), 'données/été.gif');

    const { status, json } = await post('/', form);
    expect(status).toBe(200);
    expect(json.form).toEqual({ title: 'Holiday ☀️', tag: ['x', 'y'] });
    const files = json.files as FileReport[];
    expect(files.map((f) => [f.fieldName, f.filename, f.contentType, f.size, f.spooled])).toEqual([
      ['doc', 'notes.txt', 'text/plain', small.length, false],
      ['doc', 'big.bin', 'application/octet-stream', large.length, true],
      ['photo', 'données/été.gif', 'image/gif', 6, false],
    ]);
    expect(files.map((f) => f.sha256)).toEqual([sha(small), sha(large), sha('GIF89a')]);
    // stream() yields the whole content too
    const streamedTotal = (f: FileReport): number => f.streamed.split(',').filter(Boolean).reduce((n, s) => n + Number(s), 0);
    expect(files.map(streamedTotal)).toEqual([small.length, large.length, 6]);
    // the spooled file existed until cleanup(), and was removed by it
    expect(json.tempBefore).toBe(1);
    expect(json.tempAfter).toBe(0);
  });

  it('keeps a file of exactly 500 KiB in memory and spools one byte more', async () => {
    const form = new FormData();
    form.append('a', new Blob([Buffer.alloc(500 * 1024, 1)]), 'a.bin');
    form.append('b', new Blob([Buffer.alloc(500 * 1024 + 1, 2)]), 'b.bin');
    const { status, json } = await post('/', form);
    expect(status).toBe(200);
    expect((json.files as FileReport[]).map((f) => f.spooled)).toEqual([false, true]);
  });

  it('parses a multipart body that was already read into a Buffer', async () => {
    const form = new FormData();
    form.append('k', 'v');
    form.append('f', new Blob(['data']), 'f.txt');
    const { status, json } = await post('/buffered', form);
    expect(status).toBe(200);
    expect(json.form).toEqual({ k: 'v' });
    expect((json.files as FileReport[]).map((f) => [f.filename, f.size])).toEqual([['f.txt', 4]]);
  });

  it('keeps an empty file input (filename="") and names as sent', async () => {
    const boundary = 'XyZ';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="path"; filename="../../etc/passwd"\r\n\r\nroot\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="blob"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nnot a file\r\n` +
      `--${boundary}--\r\n`;
    const { status, json } = await post('/', body, `multipart/form-data; boundary=${boundary}`);
    expect(status).toBe(200);
    // A part without filename is a field, whatever its Content-Type.
    expect(json.form).toEqual({ blob: 'not a file' });
    expect((json.files as FileReport[]).map((f) => [f.fieldName, f.filename, f.size, f.contentType])).toEqual([
      ['upload', '', 0, 'application/octet-stream'],
      ['path', '../../etc/passwd', 4, 'text/plain'],
    ]);
  });

  it('decodes UTF-8 field names, values and RFC 5987 filenames', async () => {
    const boundary = 'b0undary';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="prénom"\r\n\r\nJosé\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename*=UTF-8''%E2%82%AC.txt\r\n\r\n€\r\n` +
        `--${boundary}--\r\n`,
      'utf8',
    );
    const { status, json } = await post('/', body, `multipart/form-data; boundary="${boundary}"`);
    expect(status).toBe(200);
    expect(json.form).toEqual({ prénom: 'José' });
    expect((json.files as FileReport[])[0]?.filename).toBe('€.txt');
  });

  it('gives an empty form for an empty body', async () => {
    const { status, json } = await post('/', '', 'multipart/form-data; boundary=abc');
    expect(status).toBe(200);
    expect(json.form).toEqual({});
    expect(json.files).toEqual([]);
  });

  it('gives an empty form for an empty chunked body', async () => {
    const res = await request(base + '/', {
      method: 'POST',
      body: Readable.from([]),
      headers: { 'content-type': 'multipart/form-data; boundary=abc' },
    });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { form: unknown }).form).toEqual({});
  });

  it('leaves no temp files behind after cleanup', () => {
    expect(uploadsIn(scratch)).toEqual([]);
  });
});

describe('FileStorage.save', () => {
  it('copies memory and spooled uploads to a destination', async () => {
    const dest = mkdtempSync(join(scratch, 'saved-'));
    const saveServer = await startLoopbackServer(async (req, res) => {
      const parsed = await parseForm(req, req.headers['content-type'], DEFAULT_BODY_LIMITS);
      for (const [, file] of parsed.files) await file.save(join(dest, file.filename));
      await parsed.cleanup();
      res.end('ok');
    });
    const big = Buffer.alloc(600 * 1024, 7);
    const form = new FormData();
    form.append('a', new Blob(['small file']), 'small.txt');
    form.append('b', new Blob([big]), 'big.bin');
    const res = await request(`${saveServer.base}/`, { method: 'POST', body: form });
    expect(await res.body.text()).toBe('ok');
    await saveServer.close();
    expect(readFileSync(join(dest, 'small.txt'), 'utf8')).toBe('small file');
    expect(sha(readFileSync(join(dest, 'big.bin')))).toBe(sha(big));
    expect(uploadsIn(scratch)).toEqual([]);
  });
});
