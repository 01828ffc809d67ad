/**
 * The login demo in a real browser: Debian's chromium, driven by playwright-core.
 * Skipped loudly when /usr/bin/chromium is missing, unless MICRO_REQUIRE_SERVICES=1.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_LAUNCH, shouldRunBrowserTest } from '../../../test/chromium.js';
import { createApp } from '../src/app.js';

const run = shouldRunBrowserTest('examples/login');


describe.skipIf(!run)('the login example in headless Chromium', () => {
  it('types a name, submits, sees the greeting, logs out', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required (MICRO_REQUIRE_SERVICES=1) but missing`).toBe(true);
    const server = await createApp('browser-test-key').listen(0, '127.0.0.1');
    const profile = mkdtempSync(join(tmpdir(), 'micro-login-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH);
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${server.url}/`);
      expect(await page.textContent('body')).toBe('You are not logged in');

      await page.goto(`${server.url}/login`);
      await page.fill('input[name=username]', 'Ada <Lovelace>');
      await Promise.all([page.waitForURL(`${server.url}/`), page.click('input[type=submit]')]);
      expect(await page.textContent('body')).toBe('Logged in as Ada <Lovelace>');
      const [cookie] = await browser.cookies(server.url);
      expect(cookie).toMatchObject({ name: 'session', httpOnly: true, sameSite: 'Lax', path: '/' });

      await page.goto(`${server.url}/logout`);
      await page.waitForURL(`${server.url}/`);
      expect(await page.textContent('body')).toBe('You are not logged in');
      expect(await browser.cookies(server.url)).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
