/**
 * The "your devices" page in a real browser: Debian's chromium driven by
 * playwright-core, two browser contexts (two devices with their own cookie
 * jars and user agents) logged in as one user on the example served over
 * HTTP. The list shows both with this device marked; logging the other out
 * from here logs it out on its next page load. Skipped loudly when
 * /usr/bin/chromium is missing, unless MICRO_REQUIRE_SERVICES=1.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_LAUNCH, shouldRunBrowserTest } from '../../../test/chromium.js';
import { createApp } from '../src/app.js';
import { sessionStoreFromEnv } from '../src/session-store-from-env.js';

const run = shouldRunBrowserTest('examples/server-side (your devices)');

describe.skipIf(!run)('examples/server-side: your devices, in headless Chromium', () => {
  it('lists both devices, marks this one, and logs the other out', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required (MICRO_REQUIRE_SERVICES=1) but missing`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'micro-devices-browser-'));
    const setup = await sessionStoreFromEnv({ SESSION_TYPE: 'filesystem', SESSION_FILE_DIR: join(dir, 'sessions') });
    const app = createApp('devices browser test key', setup);
    const server = await app.listen(0, '127.0.0.1');
    const base = server.url;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch(CHROMIUM_LAUNCH);
      const laptop = await (await browser.newContext({ userAgent: 'Laptop Chromium' })).newPage();
      const phone = await (await browser.newContext({ userAgent: 'Phone Chromium' })).newPage();
      const logIn = async (page: Page) => {
        await page.goto(`${base}/login`);
        await page.fill('input[name=username]', 'ada');
        await Promise.all([page.waitForURL(`${base}/`), page.click('input[type=submit]')]);
        expect(await page.textContent('body')).toContain('Logged in as ada');
      };
      await logIn(laptop);
      await logIn(phone);

      await laptop.goto(`${base}/devices`);
      const devices = laptop.locator('li.device');
      expect(await devices.count()).toBe(2);
      const current = laptop.locator('li.device[data-current=true]');
      expect(await current.textContent()).toMatch(/^Laptop Chromium — last seen \d{4}-\d{2}-\d{2}T.*\(this device\)$/);
      const other = laptop.locator('li.device[data-current=false]');
      expect(await other.textContent()).toContain('Phone Chromium');

      // Log the phone out from the laptop.
      await Promise.all([laptop.waitForURL(`${base}/devices`), other.locator('button').click()]);
      expect(await laptop.locator('li.device').count()).toBe(1);
      expect(await laptop.locator('li.device[data-current=true]').textContent()).toContain('Laptop Chromium');

      // The phone still holds its cookie, but its session is gone on reload.
      await phone.reload();
      expect(await phone.textContent('body')).toContain('You are not logged in');
      await laptop.goto(`${base}/`);
      expect(await laptop.textContent('body')).toContain('Logged in as ada');

      // Log in on the phone again, then "log out all other devices" from it.
      await logIn(phone);
      await phone.goto(`${base}/devices`);
      expect(await phone.locator('li.device').count()).toBe(2);
      await Promise.all([phone.waitForURL(`${base}/devices`), phone.click('text=Log out all other devices')]);
      expect(await phone.locator('li.device').count()).toBe(1);
      await laptop.reload();
      expect(await laptop.textContent('body')).toContain('You are not logged in');
    } finally {
      await browser?.close();
      await server.close();
      await setup.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
