import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, request } from '../src/index.js';
import { afterAll, expect, it } from 'vitest';

// Own temp dir for this test process, so spooled uploads can be counted.
const originalTmp = process.env.TMPDIR;
const scratch = mkdtempSync(join(tmpdir(), 'micro-body-app-'));
process.env.TMPDIR = scratch;
const uploadsLeft = (): string[] => readdirSync(scratch).filter((f) => f.startsWith('micro-upload-'));

const app = new App({ config: { MAX_CONTENT_LENGTH: 1024 * 1024 } });
app.post('/upload', async () => {
  const files = await request.files();
  const form = await request.form();
  const out = [];
  for (const [field, file] of files) out.push({ field, name: file.filename, size: file.size, text: await file.text() });
  return { title: form.get('title', ''), files: out };
});
app.post('/spooled', async () => {
  const file = (await request.files()).get('doc');
  return { spooled: file?.spooled ?? null, size: file?.size ?? null, onDisk: uploadsLeft().length };
});
app.post('/echo', async () => ({ json: await request.json(), page: request.args.get('page') }));

// In-process: the body reaches the app through the same Request and parsers as over HTTP,
// and teardown (which removes upload temp files) is over when a call returns.
const client = app.testClient();
afterAll(() => {
  process.env.TMPDIR = originalTmp;
  rmSync(scratch, { recursive: true, force: true });
});

it('a handler reads form and files from one parse', async () => {
  const res = await client.post('/upload', { multipart: { title: 'notes', doc: { content: 'hello', filename: 'a.txt' } } });
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ title: 'notes', files: [{ field: 'doc', name: 'a.txt', size: 5, text: 'hello' }] });
});

it('MAX_CONTENT_LENGTH from the config gives the client a 413', async () => {
  const res = await client.post('/upload', { multipart: { doc: { content: Buffer.alloc(2 * 1024 * 1024), filename: 'big.bin' } } });
  expect(res.status).toBe(413);
});

it('json() and args', async () => {
  const res = await client.post('/echo?page=2', { json: { a: [1, 'ü'] } });
  expect(res.json()).toEqual({ json: { a: [1, 'ü'] }, page: '2' });
});

it('removes the temp file of a spooled upload when the request ends', async () => {
  const res = await client.post('/spooled', { multipart: { doc: { content: Buffer.alloc(600 * 1024, 1), filename: 'big.bin' } } });
  expect(res.json()).toEqual({ spooled: true, size: 600 * 1024, onDisk: 1 });
  expect(uploadsLeft()).toEqual([]);
});

it('the same over real HTTP: a 413 reaches the client before the body is read', async () => {
  const http = app.testClient({ http: true });
  const res = await http.post('/upload', { multipart: { doc: { content: Buffer.alloc(2 * 1024 * 1024), filename: 'big.bin' } } });
  expect(res.status).toBe(413);
  const ok = await http.post('/upload', { multipart: { title: 'wire', doc: { content: 'x', filename: 'b.txt' } } });
  expect(ok.json()).toEqual({ title: 'wire', files: [{ field: 'doc', name: 'b.txt', size: 1, text: 'x' }] });
  await http.close();
});
