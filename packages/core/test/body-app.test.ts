import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, request } from '../src/index.js';
import { FormData, request as send } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';

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

let server: Awaited<ReturnType<App['listen']>>;
beforeAll(async () => {
  server = await app.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.close();
  process.env.TMPDIR = originalTmp;
  rmSync(scratch, { recursive: true, force: true });
});

it('a handler reads form and files from one parse', async () => {
  const form = new FormData();
  form.append('title', 'notes');
  form.append('doc', new Blob(['hello']), 'a.txt');
  const res = await send(`${server.url}/upload`, { method: 'POST', body: form });
  expect(res.statusCode).toBe(200);
  expect(await res.body.json()).toEqual({ title: 'notes', files: [{ field: 'doc', name: 'a.txt', size: 5, text: 'hello' }] });
});

it('MAX_CONTENT_LENGTH from the config gives the client a 413', async () => {
  const form = new FormData();
  form.append('doc', new Blob([Buffer.alloc(2 * 1024 * 1024)]), 'big.bin');
  const res = await send(`${server.url}/upload`, { method: 'POST', body: form });
  await res.body.dump();
  expect(res.statusCode).toBe(413);
});

it('json() and args', async () => {
  const res = await send(`${server.url}/echo?page=2`, {
    method: 'POST',
    body: JSON.stringify({ a: [1, 'ü'] }),
    headers: { 'content-type': 'application/json' },
  });
  expect(await res.body.json()).toEqual({ json: { a: [1, 'ü'] }, page: '2' });
});

it('removes the temp file of a spooled upload when the request ends', async () => {
  const form = new FormData();
  form.append('doc', new Blob([Buffer.alloc(600 * 1024, 1)]), 'big.bin');
  const res = await send(`${server.url}/spooled`, { method: 'POST', body: form });
  expect(await res.body.json()).toEqual({ spooled: true, size: 600 * 1024, onDisk: 1 });
  // Teardown may run just after the response is sent: wait for it.
  while (uploadsLeft().length > 0) await new Promise((resolve) => setImmediate(resolve));
  expect(uploadsLeft()).toEqual([]);
});
