// The app is found as `flask` finds it: --app, else MICRO_APP, else app.ts, app.js, src/app.ts, src/app.js; factories are called (issue 17).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runCli } from './cli-helpers.js';

const root = join(fixtures, 'cli-discovery', 'root');

/** The endpoint of the app's one view, from `micro routes`, which names the app that was found. */
async function foundEndpoint(args: string[], options: Parameters<typeof runCli>[1]): Promise<string> {
  const { code, stdout, stderr } = await runCli(['routes', ...args], options);
  expect(code, stderr).toBe(0);
  return /^(\S+)\s+GET\s+\/$/m.exec(stdout)?.[1] ?? `(no / route in:\n${stdout})`;
}

describe('finding the app', { timeout: 30_000 }, () => {
  it('app.ts in the current folder comes before src/app.ts', async () => {
    expect(await foundEndpoint([], { cwd: root })).toBe('rootApp');
  });

  it('src/app.ts when the folder has no app.ts or app.js', async () => {
    expect(await foundEndpoint([], { cwd: join(fixtures, 'cli-discovery', 'src-only') })).toBe('srcOnly');
  });

  it("app.js comes before src/app.ts, and a default export is the app", async () => {
    const { code, stdout } = await runCli(['shell'], { cwd: join(fixtures, 'cli-discovery', 'js-first'), input: 'app.name\n' });
    expect(code).toBe(0);
    expect(stdout).toContain("'js-first'");
  });

  it('MICRO_APP comes before the default files; an `application` export is found', async () => {
    expect(await foundEndpoint([], { cwd: root, env: { MICRO_APP: 'other.ts' } })).toBe('otherApp');
  });

  it('--app comes before MICRO_APP, before or after the command, and finds a file without its extension', async () => {
    expect(await foundEndpoint(['--app', 'src/app.ts'], { cwd: root, env: { MICRO_APP: 'other.ts' } })).toBe('srcApp');
    expect(await foundEndpoint(['--app=src/app'], { cwd: root })).toBe('srcApp');
  });

  it('a module without an app but with a createApp or makeApp factory: the factory is called', async () => {
    expect(await foundEndpoint(['--app', 'factory.ts'], { cwd: root })).toBe('made_factory');
    expect(await foundEndpoint([], { cwd: join(fixtures, 'cli-discovery', 'factory-only') })).toBe('madeByMakeApp');
  });

  it("'file:name' takes that export, calling it when it is a function; 'file:name(args)' passes JSON arguments", async () => {
    expect(await foundEndpoint(['--app', 'factory.ts:makeOther'], { cwd: root })).toBe('made_other');
    expect(await foundEndpoint(['--app', 'factory.ts:createApp({"name": "dev"})'], { cwd: root })).toBe('made_dev');
  });

  it('several apps in one module: an error that says how to pick one (exit 2)', async () => {
    const { code, stderr } = await runCli(['routes', '--app', 'two-apps.ts'], { cwd: root });
    expect(code).toBe(2);
    expect(stderr).toMatch(/several micro apps .*\(first, second\)\. Use '--app .*two-apps\.ts:name'/);
  });

  it('no app anywhere: an error naming the three ways to give one (exit 2)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'micro-no-app-'));
    try {
      const { code, stderr } = await runCli(['routes'], { cwd: empty });
      expect(code).toBe(2);
      expect(stderr).toContain('Error: Could not locate a micro app. Use the --app option, set the MICRO_APP environment variable, or put app.ts, app.js, src/app.ts, src/app.js in the current folder.');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
