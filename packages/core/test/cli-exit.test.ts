// Every command exits with a status when its work is done or failed, whatever the app module left open (issue 17).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runCli } from './cli-helpers.js';

describe('micro exits when its work is done', { timeout: 30_000 }, () => {
  it('`micro routes` exits 0 after printing, though the app module left a socket and an interval open', async () => {
    const { code, stdout } = await runCli(['routes'], { cwd: join(fixtures, 'cli-open-handles') });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^index\s+GET\s+\/$/m);
  });

  it('`micro run` with a config error exits 1 with the message instead of hanging', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--port', '0'], { cwd: join(fixtures, 'cli-config-error') });
    expect(code).toBe(1);
    expect(stderr).toContain('Error: Config key DEBUG must be a boolean; got "yes" (string).');
    expect(stderr).not.toMatch(/\n\s+at /); // the message, not a stack
    expect(stdout).not.toContain('Running on');
  });

  it("a command that throws exits 1 with the error; open handles don't keep it alive", async () => {
    const { code, stderr } = await runCli(['fail'], { cwd: join(fixtures, 'cli-commands') });
    expect(code).toBe(1);
    expect(stderr).toContain('Error: the database is locked');
  });

  it("a command's process.exitCode is the exit status", async () => {
    expect((await runCli(['exit-3'], { cwd: join(fixtures, 'cli-commands') })).code).toBe(3);
  });

  it('an app module that throws while imported: exit 1 with its error and stack', async () => {
    const { code, stderr } = await runCli(['routes'], { cwd: join(fixtures, 'cli-broken') });
    expect(code).toBe(1);
    expect(stderr).toContain('Error: cannot reach the database');
    expect(stderr).toMatch(/cli-broken[\\/]app\.ts:6/);
  });

  it('an --app file that does not exist: usage error, exit 2', async () => {
    const { code, stderr } = await runCli(['routes', '--app', 'cli-commands/no-such-file.ts']);
    expect(code).toBe(2);
    expect(stderr).toContain('Error: --app: could not find cli-commands/no-such-file.ts');
  });
});
