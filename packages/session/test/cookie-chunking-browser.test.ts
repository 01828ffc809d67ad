/**
 * Cookie chunking in a real browser (Debian's chromium, driven by
 * playwright-core): a 12 KiB session survives a reload, and shrinking it
 * removes the stale chunks from the browser's cookie jar. Also what Chromium
 * does with one cookie over the limit, which is why micro's production
 * fallback (warn and send) loses nothing. Skipped loudly when
 * /usr/bin/chromium is missing, unless MICRO_REQUIRE_SERVICES=1.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { App, escape, type ListenOptions } from '@micro/core';
import { session, sessions } from '@micro/session';
import { CHROMIUM, CHROMIUM_LAUNCH, shouldRunBrowserTest } from '../../../test/chromium.js';
import { quietApp } from './helpers.js';

const run = shouldRunBrowserTest('packages/session (cookie chunking)');

/** `length` characters of base64url that zlib cannot shrink much: the signed cookie stays large too. */
function data(length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`chunk-test-${i}`).digest('base64url');
  return out.slice(0, length);
}

function makeApp(config: Record<string, unknown>): App & { logs: Record<string, string[]> } {
  const app = quietApp({ config: { SECRET_KEY: 'browser-chunk-key', ...config } });
  sessions(app);
  app.get('/store/<int:n>', ({ n }) => {
    session.set('data', data(n as number));
    return 'stored';
  });
  app.get('/', () => {
    const value = session.get('data') as string | undefined;
    return `<p id="length">${value?.length ?? 'none'}</p><pre id="data">${escape(value ?? '')}</pre>`;
  });
  return app;
}

async function withBrowser(app: App, listenOptions: ListenOptions, fn: (browser: BrowserContext, url: string) => Promise<void>): Promise<void> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is required (MICRO_REQUIRE_SERVICES=1) but missing`).toBe(true);
  const server = await app.listen(0, '127.0.0.1', { handleSignals: false, ...listenOptions });
  const profile = mkdtempSync(join(tmpdir(), 'micro-chunks-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH);
  try {
    await fn(browser, server.url);
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const jarNames = async (browser: BrowserContext, url: string) => (await browser.cookies(url)).map((c) => c.name).sort();
const chunkNames = (count: number) => ['session', ...Array.from({ length: count }, (_, i) => `session.${i + 1}`)].sort();

describe.skipIf(!run)('cookie chunking in headless Chromium', () => {
  // 12 KiB of data take 4 chunks signed (3 full and a short one, which Node's
  // default 16 KiB of request headers still accepts) and 5 encrypted (the JWE is
  // not compressed: about 16.5 KiB, hence a larger maxHeaderSize).
  const kinds = [
    { type: 'cookie', maxChunks: 4, listen: {} },
    { type: 'encrypted-cookie', maxChunks: 5, listen: { maxHeaderSize: 32 * 1024 } },
  ];
  for (const kind of kinds) {
    it(`${kind.type}: a 12 KiB session survives a reload; shrinking it deletes the stale chunks from the jar`, async () => {
      const app = makeApp({ SESSION_TYPE: kind.type, SESSION_COOKIE_CHUNKING: true, SESSION_COOKIE_MAX_CHUNKS: kind.maxChunks });
      await withBrowser(app, kind.listen, async (browser, url) => {
        const page = browser.pages()[0] ?? (await browser.newPage());
        await page.goto(`${url}/store/${12 * 1024}`);
        const chunks = (await browser.cookies(url)).length - 1;
        expect(chunks).toBeGreaterThanOrEqual(3);
        expect(await jarNames(browser, url)).toEqual(chunkNames(chunks));
        expect((await browser.cookies(url)).find((c) => c.name === 'session')?.value).toBe(`__chunked__${chunks}`);

        await page.goto(`${url}/`);
        expect(await page.textContent('#data')).toBe(data(12 * 1024));
        await page.reload();
        expect(await page.textContent('#length')).toBe(String(12 * 1024));
        expect(await page.textContent('#data')).toBe(data(12 * 1024));

        await page.goto(`${url}/store/${5 * 1024}`);
        const fewer = (await browser.cookies(url)).length - 1;
        expect(fewer).toBeGreaterThanOrEqual(1);
        expect(fewer).toBeLessThan(chunks);
        expect(await jarNames(browser, url)).toEqual(chunkNames(fewer));
        await page.goto(`${url}/`);
        expect(await page.textContent('#data')).toBe(data(5 * 1024));

        await page.goto(`${url}/store/100`);
        expect(await jarNames(browser, url)).toEqual(['session']);
        await page.reload();
        await page.goto(`${url}/`);
        expect(await page.textContent('#data')).toBe(data(100));
        expect(app.logs.warn).toEqual([]);
      });
    });
  }

  it('why SESSION_COOKIE_MAX_CHUNKS defaults to 3: more chunks than Node accepts back lock the browser out with 431', async () => {
    const app = makeApp({ SESSION_TYPE: 'encrypted-cookie', SESSION_COOKIE_CHUNKING: true, SESSION_COOKIE_MAX_CHUNKS: 16 });
    await withBrowser(app, {}, async (browser, url) => {
      const page = browser.pages()[0] ?? (await browser.newPage());
      expect((await page.goto(`${url}/store/${14 * 1024}`))?.status()).toBe(200);
      expect((await browser.cookies(url)).length).toBeGreaterThan(4);
      // Node answers 431 with no body before the app runs: not even a logout gets through.
      await expect(page.goto(`${url}/`)).rejects.toThrow(/ERR_HTTP_RESPONSE_CODE_FAILURE/);
      expect((await browser.request.get(`${url}/`)).status()).toBe(431);
    });
  });

  it('without chunking (production): Chromium keeps a header over MAX_COOKIE_SIZE whose name and value fit 4096 bytes, and ignores a larger one, keeping the older session', async () => {
    // The encrypted cookie's length follows the data's length exactly (no compression).
    const app = makeApp({ SESSION_TYPE: 'encrypted-cookie' });
    const cookieLength = async (n: number) => {
      const header = (await app.testClient({ useCookies: false }).get(`/store/${n}`)).headers.getSetCookie()[0]!;
      return { pair: header.indexOf(';'), header: header.length };
    };
    let fits = 2900;
    while ((await cookieLength(fits + 1)).pair <= 4096) fits++;
    const justFits = await cookieLength(fits);
    expect(justFits.pair).toBeGreaterThan(4090);
    expect(justFits.header).toBeGreaterThan(4093);
    app.logs.warn.length = 0;

    await withBrowser(app, {}, async (browser, url) => {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${url}/store/${fits}`);
      await page.goto(`${url}/`);
      expect(await page.textContent('#length')).toBe(String(fits));
      expect(app.logs.warn).toHaveLength(1); // MAX_COOKIE_SIZE counts the attributes; the browser does not

      await page.goto(`${url}/store/${fits + 8}`);
      expect(app.logs.warn).toHaveLength(2);
      await page.goto(`${url}/`);
      expect(await page.textContent('#length')).toBe(String(fits)); // the new cookie was dropped, the old one kept
    });
  });
});
