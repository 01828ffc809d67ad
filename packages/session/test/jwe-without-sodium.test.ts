/**
 * An app without the optional sodium-native: XC20P is refused at start-up with a
 * ConfigError that says what to install, and an XC20P cookie that reaches it is
 * an empty session (status 200), never a 500. Runs in a child process whose
 * `require('sodium-native')` fails, as in a real install without it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { JweCookieCodec } from '../src/jwe.js';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const preload = fileURLToPath(new URL('./fixtures/hide-sodium.cjs', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/without-sodium.ts', import.meta.url));

describe('encrypted cookies without sodium-native', () => {
  it("refuses SESSION_ENCRYPTION 'XC20P' at start-up and reads XC20P cookies as an empty session", async () => {
    const token = new JweCookieCodec({ secretKey: 's', enc: 'XC20P' }).encrypt({ user: 'ann' });
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', preload, '--import', 'tsx', script, token], {
      cwd: packageDir, // tsx reads the package's tsconfig, whose paths point @micro/core at the sources
    });
    const findings = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(findings.setup).toEqual({
      configError: true,
      keys: ['SESSION_ENCRYPTION'],
      message: expect.stringMatching(/needs the optional package sodium-native \(npm install sodium-native\)/),
    });
    expect(findings.codec).toMatch(/sodium-native/);
    expect(findings.read).toEqual({ status: 200, text: 'nobody' });
  }, 30_000);
});
