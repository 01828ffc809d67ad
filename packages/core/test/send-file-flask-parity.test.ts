/**
 * sendFile, sendFromDirectory and the static route against Flask 3.1: every
 * case of fixtures/flask-send-file.json (written by make_flask_send_file.py
 * with the real Flask) is asked of a micro app built like the Flask one, over
 * real HTTP, and must answer with the same status, headers and body. The
 * few places where micro follows RFC 9110 instead of Werkzeug are listed in
 * DEVIATIONS, each with the answer micro gives.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Blueprint, sendFile, sendFromDirectory, type AppTestClient, type ConfigValues } from '@micro/core';

interface Case {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  config: Partial<ConfigValues>;
  status: number;
  responseHeaders: Array<[string, string]>;
  body: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/flask-send-file.json', import.meta.url), 'utf8')) as {
  flask: string;
  mtime: number;
  files: Record<string, string>;
  cases: Case[];
};

/** Where micro answers as RFC 9110 says and Werkzeug 3.1 does not. */
const DEVIATIONS: Record<string, { status: number; why: string }> = {
  'range-other-unit': { status: 200, why: 'RFC 9110 §14.2: a server MUST ignore a range unit it does not understand (Werkzeug: 416)' },
  'range-and-if-none-match': { status: 304, why: 'RFC 9110 §13.2.2: If-None-Match is evaluated before Range (Werkzeug: 206)' },
  'if-match-other': { status: 412, why: "the 412 is micro's error page (Werkzeug sends the file's headers and body with status 412)" },
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'micro-send-file-'));
  for (const [rel, content] of Object.entries(fixture.files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(content, 'base64'));
    utimesSync(path, fixture.mtime, fixture.mtime);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The micro twin of the fixture script's Flask app. */
function makeApp(config: Partial<ConfigValues>): App {
  const app = new App({ rootPath: root, config });
  app.registerBlueprint(new Blueprint('admin', { staticFolder: 'admin/static' }), { urlPrefix: '/admin' });
  const report = 'files/report.txt';
  app.get('/download', () => sendFile(report, { asAttachment: true }));
  app.get('/download-name', () => sendFile(report, { asAttachment: true, downloadName: 'naïve résumé.txt' }));
  app.get('/inline-name', () => sendFile(report, { downloadName: '日本語 €.txt' }));
  app.get('/quoted-name', () => sendFile(report, { downloadName: 'say "hi"; ok.txt' }));
  app.get('/space-name', () => sendFile(report, { downloadName: 'two words.txt' }));
  app.get('/download-tar-gz', () => sendFile('static/archive.tar.gz', { asAttachment: true }));
  app.get('/bytes', () => sendFile(Buffer.from('0123456789'), { mimetype: 'text/plain' }));
  app.get('/stream', () => sendFile(Readable.from([Buffer.from('0123456789')]), { downloadName: 'digits.bin' }));
  app.get('/custom-etag', () => sendFile(report, { etag: 'v1' }));
  app.get('/no-etag', () => sendFile(report, { etag: false }));
  app.get('/not-conditional', () => sendFile(report, { conditional: false }));
  app.get('/last-modified', () => sendFile(report, { lastModified: 1_600_000_000 }));
  app.get('/max-age', () => sendFile(report, { maxAge: 60 }));
  app.get('/max-age-callable', () => sendFile(report, { maxAge: (path) => (path?.endsWith('.txt') ? 120 : null) }));
  app.get('/files/<path:name>', ({ name }) => sendFromDirectory('files', name));
  return app;
}

/** Headers as a sorted list, without the wire's own (Date, framing) and with per-side values replaced. */
function comparable(headers: Iterable<[string, string]>, name: string): string[] {
  const out: string[] = [];
  for (const [key, value] of headers) {
    const k = key.toLowerCase();
    if (k === 'date' || k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding') continue;
    if (k === 'etag') {
      if (value !== '<etag>') expect(value, `${name}: a strong, quoted ETag`).toMatch(/^"[^"]+"$/);
      out.push('etag: <etag>');
    } else if (k === 'expires') {
      if (value !== '<expires>') expect(Date.parse(value), `${name}: Expires is a date`).not.toBeNaN();
      out.push('expires: <expires>');
    } else {
      out.push(`${k}: ${value}`);
    }
  }
  return out.sort();
}

/** Each side's own validators stand in for the placeholders (micro's ETags are not Werkzeug's). */
async function sentHeaders(client: AppTestClient, c: Case): Promise<Record<string, string>> {
  const base = await client.get(c.path);
  const values: Record<string, string> = { '{etag}': base.headers.get('etag') ?? '', '{lastModified}': base.headers.get('last-modified') ?? '' };
  return Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, v.replace(/\{etag\}|\{lastModified\}/g, (m) => values[m]!)]));
}

describe.each([
  ['over HTTP', true],
  ['in-process', false],
])(`sendFile and the static route answer as Flask ${fixture.flask} (%s)`, (_, http) => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const client = makeApp(c.config).testClient({ http });
    try {
      const res = await client.request(c.method, c.path, { headers: await sentHeaders(client, c) });
      const deviation = DEVIATIONS[name];
      if (deviation) {
        expect(res.status, deviation.why).toBe(deviation.status);
        return;
      }
      expect(res.status).toBe(c.status);
      expect(comparable(res.headers, name)).toEqual(comparable(c.responseHeaders, name));
      expect(res.text).toBe(c.body);
    } finally {
      await client.close();
    }
  });
});
