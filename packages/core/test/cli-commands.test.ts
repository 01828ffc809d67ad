// An app's own commands (Flask's `@app.cli.command`, the tutorial's `flask init-db`) and `micro shell` (issue 16).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runCli } from './cli-helpers.js';

const cwd = join(fixtures, 'cli-commands');

describe("the app's commands", { timeout: 30_000 }, () => {
  it('`micro init-db <file> [tables...] --force --owner x` runs in an app context with its arguments and options', async () => {
    const { code, stdout, stderr } = await runCli(['init-db', 'data.db', 'users', 'posts', '-f', '--owner', 'ada'], { cwd });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      app: 'commands', // currentApp, after an await
      database: 'data.db', // g, set and read back
      file: 'data.db',
      tables: ['users', 'posts'],
      force: true,
      owner: 'ada',
    });
  });

  it('options take their defaults: a flag is false, a string option its default', async () => {
    const { code, stdout } = await runCli(['init-db', 'data.db'], { cwd });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ tables: [], force: false, owner: 'admin' });
  });

  it('a missing argument or an unknown option is a usage error (exit 2) pointing at the help', async () => {
    const missing = await runCli(['init-db'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Error: Missing argument '<file>'.\nTry 'micro init-db --help' for help.");
    const unknown = await runCli(['init-db', 'x.db', '--forse'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Error: Unknown option '--forse'/);
  });

  it('`micro init-db --help` shows its usage, description, arguments and options', async () => {
    const { code, stdout } = await runCli(['init-db', '--help'], { cwd });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: micro init-db [options] <file> [<tables>...]');
    expect(stdout).toContain('Only `micro init-db --help` shows this line.');
    expect(stdout).toMatch(/^ {2}-f, --force\s+Drop the tables first\.$/m);
    expect(stdout).toMatch(/^ {2}--owner <value>\s+Owner of the tables\. \(default: "admin"\)$/m);
  });

  it("`micro --help` lists micro's commands and the app's, each with its first line", async () => {
    const { code, stdout } = await runCli(['--help'], { cwd });
    expect(code).toBe(0);
    const commands = stdout.slice(stdout.indexOf('Commands:'));
    expect(commands).toMatch(/^ {2}init-db\s+Clear the existing data and create new tables\.$/m);
    expect(commands).not.toContain('Only `micro init-db --help`');
    for (const name of ['exit-3', 'fail', 'routes', 'run', 'shell']) expect(commands).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it("an unknown command suggests the nearest of micro's and the app's commands (exit 2)", async () => {
    const typo = await runCli(['init_db', 'x.db'], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Error: No such command 'init_db'.\nDid you mean 'init-db'?");
    const builtin = await runCli(['rotues'], { cwd });
    expect(builtin.code).toBe(2);
    expect(builtin.stderr).toContain("Did you mean 'routes'?");
  });
});

describe('micro shell', { timeout: 30_000 }, () => {
  it("evaluates piped input in an app context, with app, g, currentApp and the module's exports, and exits 0 at its end", async () => {
    const input = ['app.name', 'g.who = currentApp.name', 'await Promise.resolve(`${g.who}!`)', 'answer + 1', ''].join('\n');
    const { code, stdout, stderr } = await runCli(['shell'], { cwd, input });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('App: commands');
    expect(stdout).toContain("In scope: app, g, currentApp, and the app module's answer");
    expect(stdout).toContain("'commands!'"); // g set in one line, read after an await in the next
    expect(stdout).toContain('43');
  });
});
