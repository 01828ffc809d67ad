/**
 * Paths a client chooses, files that vanish or change, and clients that go
 * away, all over real HTTP: never a file from outside the folder, never a
 * 500 or a cut connection for a file that is not there, one log line for a
 * file that fails while it is sent, and every file handle closed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFile, sendFromDirectory, type App } from '@micro/core';
import { quietApp } from './helpers.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

const SECRET = 'outside the static folder\n';
const BIG = 64 * 1024 * 1024; // sparse: no disk used

let root: string;
let app: App & { logged: unknown[][] };
let server: LoopbackServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'micro-bad-input-'));
  mkdirSync(join(root, 'static', 'sub'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'outside', 'secret.txt'), SECRET);
  writeFileSync(join(root, 'static', 'hello.txt'), 'hello\n');
  writeFileSync(join(root, 'static', 'été.txt'), 'summer\n');
  writeFileSync(join(root, 'static', 'sub', 'page.html'), '<p>sub</p>\n');
  symlinkSync(join(root, 'secret.txt'), join(root, 'static', 'link-out.txt'));
  symlinkSync('../outside', join(root, 'static', 'dir-out'));
  symlinkSync('hello.txt', join(root, 'static', 'link-in.txt'));
  symlinkSync('sub', join(root, 'static', 'dir-in'));
  symlinkSync('missing.txt', join(root, 'static', 'dangling.txt'));
  execFileSync('mkfifo', [join(root, 'static', 'fifo')]);
  app = quietApp({ rootPath: root });
  app.get('/files/<path:name>', ({ name }) => sendFromDirectory('static', name));
  app.get('/send/<path:name>', ({ name }) => sendFile(join('static', name)));
  server = await startLoopbackServer(app.handler);
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
  /** The whole body arrived (not cut short). */
  complete: boolean;
}

/** A GET with the path exactly as given: no client-side normalization of `..` or percent-escapes. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const done = () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), complete: res.complete });
      res.on('end', done);
      res.on('aborted', done);
      res.on('error', done);
    });
    req.on('error', reject);
    req.end();
  });
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('paths a client chooses', () => {
  it.each([
    ['/static/../secret.txt'],
    ['/static/sub/../../secret.txt'],
    ['/static/%2e%2e/secret.txt'],
    ['/static/%2e%2e%2fsecret.txt'],
    ['/static/..%2fsecret.txt'],
    ['/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd'],
    ['/static/..%5csecret.txt'],
    ['/static/sub%5c..%5c..%5csecret.txt'],
    ['/static/%5c..%5csecret.txt'],
    ['/static/hello.txt%00.png'],
    ['/static/%00'],
    ['/static/%252e%252e%252fsecret.txt'],
    ['/static/link-out.txt'],
    ['/static/dir-out/secret.txt'],
    ['/static/dangling.txt'],
    ['/static/sub'],
    ['/static/sub/'],
    ['/static/fifo'],
    ['/static/nope.txt'],
    ['/static/hello.txt/'],
    ['/static/hello.txt/x'],
    [`/static/${'a'.repeat(5000)}`],
    ['/files/../secret.txt'],
    ['/files/%2e%2e%2fsecret.txt'],
    ['/files/link-out.txt'],
  ])('%s → 404, the file is not sent', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.complete).toBe(true);
    expect(res.body).not.toContain('outside the static folder');
    expect(res.body).toContain('<title>404 Not Found</title>');
  });

  it.each([
    ['/static/hello.txt', 'hello\n'],
    ['/static/link-in.txt', 'hello\n'],
    ['/static/dir-in/page.html', '<p>sub</p>\n'],
    ['/static/sub/../hello.txt', 'hello\n'],
    ['/static/./hello.txt', 'hello\n'],
    ['/static/%C3%A9t%C3%A9.txt', 'summer\n'],
    ['/files/hello.txt', 'hello\n'],
  ])('%s → 200 (inside the folder)', async (path, body) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.body).toBe(body);
  });

  it.each([['/static//etc/passwd'], ['/static/%2fetc%2fpasswd'], ['/static///etc/passwd']])(
    '%s → the router merges the slashes and redirects inside /static/, where there is no such file',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(308);
      expect(res.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/static\/etc\/passwd$/);
      expect((await get('/static/etc/passwd')).status).toBe(404);
    },
  );

  it('a symlink re-pointed out of the folder after it was served is a 404 at once', async () => {
    const link = join(root, 'static', 'moving.txt');
    symlinkSync('hello.txt', link);
    expect((await get('/static/moving.txt')).body).toBe('hello\n');
    unlinkSync(link);
    symlinkSync(join(root, 'secret.txt'), link);
    const res = await get('/static/moving.txt');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the static folder');
    unlinkSync(link);
  });

  it('a file replaced by a symlink out of the folder after it was served is a 404 at once', async () => {
    const path = join(root, 'static', 'replaced.txt');
    writeFileSync(path, 'inside\n');
    expect((await get('/static/replaced.txt')).body).toBe('inside\n');
    unlinkSync(path);
    symlinkSync(join(root, 'secret.txt'), path);
    expect((await get('/static/replaced.txt')).status).toBe(404);
    unlinkSync(path);
  });

  it('a symlink inside the folder keeps its own name for Content-Disposition', async () => {
    const res = await get('/static/link-in.txt');
    expect(res.headers['content-disposition']).toBe('inline; filename=link-in.txt');
  });

  it('sendFile of a missing path is a 404, not a 500 or a cut connection', async () => {
    const res = await get('/send/nope.txt');
    expect(res.status).toBe(404);
    expect(res.complete).toBe(true);
    const fifo = await get('/send/fifo');
    expect(fifo.status).toBe(404);
    expect(app.logged).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('a file the server may not read is a 404', async () => {
    const path = join(root, 'static', 'locked.txt');
    writeFileSync(path, 'locked', { mode: 0o000 });
    try {
      expect((await get('/static/locked.txt')).status).toBe(404);
    } finally {
      unlinkSync(path);
    }
  });
});

describe('files that change while they are sent', () => {
  it('a file deleted after it was opened is still sent whole (the open handle keeps it)', async () => {
    const path = join(root, 'static', 'doomed.bin');
    writeFileSync(path, Buffer.alloc(1024 * 1024, 7));
    const answer = new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/static/doomed.bin' }, (res) => {
        unlinkSync(path);
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: String(bytes), complete: res.complete }));
      });
      req.on('error', reject);
      req.end();
    });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(res.body).toBe(String(1024 * 1024));
    expect(res.complete).toBe(true);
  });

  it('a file cut short while it is sent ends the response (connection cut) and logs once', async () => {
    const path = join(root, 'static', 'shrinks.bin');
    writeFileSync(path, '');
    truncateSync(path, BIG);
    app.logged.length = 0;
    const res = await new Promise<{ status: number; bytes: number; complete: boolean }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/static/shrinks.bin' }, (res) => {
        let bytes = 0;
        res.pause(); // the server fills the socket and waits
        setTimeout(() => {
          truncateSync(path, 1024 * 1024);
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.resume();
        }, 100);
        const done = () => resolve({ status: res.statusCode!, bytes, complete: res.complete });
        res.on('end', done);
        res.on('aborted', done);
        res.on('error', done);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.bytes).toBeLessThan(BIG);
    await sleep(50);
    expect(app.logged).toHaveLength(1);
    expect(String(app.logged[0]![0])).toContain('Sending the response failed');
    expect(String((app.logged[0]![1] as Error).message)).toContain('truncated while it was being sent');
    unlinkSync(path);
  });
});

describe('file handles', () => {
  it('every handle is closed: whole, ranged, HEAD, 304, 416 and clients that leave mid-file', async () => {
    const path = join(root, 'static', 'large.bin');
    writeFileSync(path, '');
    truncateSync(path, BIG);
    app.logged.length = 0;
    const largeEtag = (await get('/static/large.bin', {}, 'HEAD')).headers.etag!;
    const before = openFds();
    for (let i = 0; i < 5; i++) {
      await get('/static/hello.txt');
      await get('/static/large.bin', { Range: 'bytes=0-99999' });
      await get('/static/large.bin', {}, 'HEAD');
      await get('/static/large.bin', { 'If-None-Match': largeEtag });
      const etag = (await get('/static/hello.txt', {}, 'HEAD')).headers.etag!;
      await get('/static/hello.txt', { 'If-None-Match': etag });
      await get('/static/large.bin', { Range: `bytes=${BIG}-` });
      // A client that reads a little of a large file and hangs up.
      await new Promise<void>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/static/large.bin', agent: false }, (res) => {
          res.once('data', () => req.destroy());
          res.on('close', () => resolve());
        });
        req.on('error', () => resolve());
        req.end();
      });
    }
    await sleep(100);
    expect(openFds()).toBeLessThanOrEqual(before);
    expect(app.logged).toEqual([]);
    unlinkSync(path);
  });
});
