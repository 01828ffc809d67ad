/**
 * What the browser tests of the examples share: Debian's chromium (installed by
 * scripts/setup.mjs), whether a test may run, and the flags that keep it off
 * the network (this machine's closed network refuses Chromium's own
 * connections, many at a time).
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * True when the browser test of `what` should run: Chromium is there, or
 * MICRO_REQUIRE_SERVICES=1 asks for it (the test then fails on its absence).
 * Otherwise says loudly that it was skipped.
 */
export function shouldRunBrowserTest(what: string): boolean {
  if (existsSync(CHROMIUM) || process.env.MICRO_REQUIRE_SERVICES === '1') return true;
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n! SKIPPED: the browser test of ${what} was NOT run: ${CHROMIUM} is missing.\n` +
      `! Install it with \`apt-get install -y chromium\` (scripts/setup.mjs does), or set\n` +
      `! MICRO_REQUIRE_SERVICES=1 to make this a failure.\n${line}\n`,
  );
  return false;
}

/** Options for playwright-core's `chromium.launchPersistentContext`: headless, offline, no first-run work. */
export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
