/**
 * flaskr in a real browser: Debian's chromium, driven by playwright-core,
 * against the app served on a free port with its own SQLite file. Register,
 * log in, create, edit and delete a post, log out; a screenshot of each step
 * is kept in test/artifacts/ (gitignored). Skipped loudly when
 * /usr/bin/chromium is missing, unless MICRO_REQUIRE_SERVICES=1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_LAUNCH, shouldRunBrowserTest } from '../../../test/chromium.js';
import { createApp } from '../src/app.js';
import { initDb } from '../src/db.js';

const run = shouldRunBrowserTest('examples/flaskr');
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));


describe.skipIf(!run)('flaskr in headless Chromium', () => {
  it('registers, logs in, creates, edits and deletes a post, logs out', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required (MICRO_REQUIRE_SERVICES=1) but missing`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'flaskr-browser-'));
    const app = createApp({ SECRET_KEY: 'browser-test-key', DATABASE: join(dir, 'flaskr.sqlite') });
    app.appContext(() => initDb());
    const server = await app.listen(0, '127.0.0.1');
    const base = server.url;
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launchPersistentContext(join(dir, 'profile'), CHROMIUM_LAUNCH);
    let step = 0;
    const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
    const submit = (page: Page, path: string) => Promise.all([page.waitForURL(`${base}${path}`), page.click('input[type=submit]')]);
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${base}/`);
      expect(await page.title()).toBe('Posts - Flaskr');
      expect(await page.textContent('nav')).toMatch(/Register\s+Log In/);
      // the stylesheet from static/ is applied: the nav bar is lightgray (style.css)
      expect(await page.evaluate("getComputedStyle(document.querySelector('nav')).backgroundColor")).toBe('rgb(211, 211, 211)');
      await shot(page, 'index-anonymous');

      // register; a taken name is refused with the flashed message
      await page.click('text=Register');
      await page.waitForURL(`${base}/auth/register`);
      await page.fill('input[name=username]', 'ada');
      await page.fill('input[name=password]', 'analytical engine');
      await shot(page, 'register');
      await submit(page, '/auth/login');

      await page.goto(`${base}/auth/register`);
      await page.fill('input[name=username]', 'ada');
      await page.fill('input[name=password]', 'again');
      await submit(page, '/auth/register');
      expect(await page.textContent('.flash')).toBe('User ada is already registered.');
      await shot(page, 'register-taken');

      // log in: a wrong password first, then the right one
      await page.goto(`${base}/auth/login`);
      await page.fill('input[name=username]', 'ada');
      await page.fill('input[name=password]', 'wrong');
      await submit(page, '/auth/login');
      expect(await page.textContent('.flash')).toBe('Incorrect password.');
      await page.fill('input[name=username]', 'ada');
      await page.fill('input[name=password]', 'analytical engine');
      await shot(page, 'login');
      await submit(page, '/');
      expect(await page.textContent('nav')).toMatch(/ada\s+Log Out/);
      await shot(page, 'index-logged-in');

      // create
      await page.click('a.action:has-text("New")');
      await page.waitForURL(`${base}/create`);
      await page.fill('input[name=title]', 'Notes <on> the engine');
      await page.fill('textarea[name=body]', 'The first program.\nBernoulli numbers.');
      await shot(page, 'create');
      await submit(page, '/');
      expect(await page.textContent('article.post h1')).toBe('Notes <on> the engine');
      expect(await page.textContent('article.post .about')).toMatch(/^by ada on \d{4}-\d{2}-\d{2}$/);
      expect(await page.textContent('article.post .body')).toBe('The first program.\nBernoulli numbers.');
      await shot(page, 'index-with-post');

      // edit
      await page.click('article.post a.action:has-text("Edit")');
      await page.waitForURL(`${base}/1/update`);
      expect(await page.inputValue('input[name=title]')).toBe('Notes <on> the engine');
      await page.fill('input[name=title]', 'Notes on the Analytical Engine');
      await shot(page, 'update');
      await submit(page, '/');
      expect(await page.textContent('article.post h1')).toBe('Notes on the Analytical Engine');
      await shot(page, 'index-updated');

      // delete, through the confirm() dialog of update.html
      await page.goto(`${base}/1/update`);
      page.once('dialog', (dialog) => {
        expect(dialog.message()).toBe('Are you sure?');
        void dialog.accept();
      });
      await Promise.all([page.waitForURL(`${base}/`), page.click('input.danger[value=Delete]')]);
      expect(await page.$$('article.post')).toHaveLength(0);
      await shot(page, 'index-deleted');

      // log out
      await page.click('text=Log Out');
      await page.waitForURL(`${base}/`);
      expect(await page.textContent('nav')).toMatch(/Register\s+Log In/);
      expect(await browser.cookies(base)).toEqual([]);
      await shot(page, 'logged-out');
    } finally {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
