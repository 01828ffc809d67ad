import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { App } from '@micro/core';
import { formatRoutes } from '../src/cli-commands.js';
import { parseCommandLine } from '../src/cli/command-args.js';
import { parseAppOption } from '../src/cli/locate-app.js';
import { nearestCommand } from '../src/cli/nearest-command.js';
import { fixtures, runCli } from './cli-helpers.js';

describe('micro CLI', () => {
  it('formats routes like `flask routes`', () => {
    const app = new App();
    app.route('/login', { methods: ['GET', 'POST'] })(function login() {
      return '';
    });
    const table = formatRoutes(app).split('\n');
    expect(table[0]).toMatch(/^Endpoint\s+Methods\s+Rule$/);
    expect(table).toContainEqual(expect.stringMatching(/^login\s+GET, POST\s+\/login$/));
  });

  it('`micro routes --app file.ts` loads a TypeScript app and prints its routes', async () => {
    const { code, stdout } = await runCli(['routes', '--app', join(fixtures, 'slow-app.ts')]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/slow\s+GET\s+\/slow/);
    expect(stdout).toMatch(/fast\s+GET\s+\/fast/);
  });

  it("`micro --version` prints Node's and @micro/core's versions", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`Node.js ${process.version}\n@micro/core ${version}\n`);
  });

  it("`micro --help` without an app lists micro's commands and says why the app's are missing", async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: micro \[--app <file>\] \[--debug\] <command> \[args\]\.\.\.$/m);
    expect(stdout).toMatch(/^ {2}routes\s+Show the routes for the app\.$/m);
    expect(stdout).toMatch(/^ {2}run\s+Run a development server on the app\.$/m);
    expect(stdout).toMatch(/^ {2}shell\s+Run a shell in the app context\.$/m);
    expect(stdout).toContain("Note: the app's commands are not listed: Could not locate a micro app.");
  });

  it('an unknown command without an app suggests among micro\'s own commands (exit 2)', async () => {
    const { code, stderr } = await runCli(['rnu']);
    expect(code).toBe(2);
    expect(stderr).toContain("Error: No such command 'rnu'.\nDid you mean 'run'?");
  });
});

describe('nearestCommand', () => {
  const known = ['run', 'routes', 'shell', 'init-db', 'seed'];
  it('finds a command one or two slips away, or the only one a prefix starts', () => {
    expect(nearestCommand('rotues', known)).toBe('routes'); // a swap
    expect(nearestCommand('rn', known)).toBe('run');
    expect(nearestCommand('init_db', known)).toBe('init-db');
    expect(nearestCommand('INIT-DB', known)).toBe('init-db');
    expect(nearestCommand('init', known)).toBe('init-db'); // prefix
    expect(nearestCommand('s', known)).toBeUndefined(); // shell or seed
    expect(nearestCommand('deploy', known)).toBeUndefined();
  });
});

describe('parseCommandLine', () => {
  const spec = {
    arguments: [{ name: 'file' }, { name: 'rest', variadic: true, required: false }],
    options: { force: { type: 'boolean', short: 'f' }, tag: { type: 'string', multiple: true } },
  } as const;

  it('maps positionals onto arguments and parses options with util.parseArgs', () => {
    expect(parseCommandLine('x', spec, ['a.db', 'b', '-f', '--tag', 't1', '--tag=t2', 'c'])).toEqual({
      args: { file: 'a.db', rest: ['b', 'c'] },
      options: { force: true, tag: ['t1', 't2'] },
      help: false,
    });
    expect(parseCommandLine('x', spec, ['a.db'])).toEqual({ args: { file: 'a.db', rest: [] }, options: { force: false, tag: [] }, help: false });
  });

  it('`--` ends the options', () => {
    expect(parseCommandLine('x', spec, ['--', '-f']).args).toEqual({ file: '-f', rest: [] });
  });

  it('reports usage errors with a pointer to the help; --help needs no arguments', () => {
    expect(() => parseCommandLine('x', spec, [])).toThrow("Missing argument '<file>'.\nTry 'micro x --help' for help.");
    expect(() => parseCommandLine('x', { arguments: [{ name: 'file' }] }, ['a', 'b', 'c'])).toThrow('Got unexpected extra arguments (b c).');
    expect(() => parseCommandLine('x', spec, ['a', '--nope'])).toThrow(/Unknown option '--nope'/);
    expect(parseCommandLine('x', spec, ['-h']).help).toBe(true); // no <file>, yet no error
    expect(parseCommandLine('x', spec, ['a', 'b', '--help']).help).toBe(true);
  });
});

describe('parseAppOption', () => {
  const dir = join(fixtures, 'cli-discovery', 'root');
  it('reads path, path:name and path:name(JSON args), keeping a drive letter in the path', () => {
    expect(parseAppOption('factory.ts', dir, '--app')).toEqual({ file: join(dir, 'factory.ts'), from: '--app' });
    expect(parseAppOption('factory:makeOther', dir, '--app')).toMatchObject({ file: join(dir, 'factory.ts'), name: 'makeOther' });
    expect(parseAppOption('factory.ts:createApp({"name": "a:b"}, 2)', dir, '--app')).toMatchObject({ name: 'createApp', callArgs: [{ name: 'a:b' }, 2] });
    expect(parseAppOption('factory.ts:createApp()', dir, '--app')).toMatchObject({ name: 'createApp', callArgs: [] });
    expect(() => parseAppOption("factory.ts:createApp('dev')", dir, '--app')).toThrow(/must be JSON values, such as createApp\("dev"\)/);
    expect(() => parseAppOption('C:\\nowhere\\app.ts', dir, '--app')).toThrow(/could not find C:\\nowhere\\app\.ts/);
    expect(() => parseAppOption('factory.ts:1x', dir, 'MICRO_APP')).toThrow(/MICRO_APP: '1x' is neither an export's name nor a call/);
  });
});

describe('app.cli.command', () => {
  it('infers the handler types from the spec', () => {
    const app = new App();
    app.cli.command(
      'typed',
      {
        arguments: [{ name: 'file' }, { name: 'maybe', required: false }, { name: 'more', variadic: true, required: false }],
        options: { force: { type: 'boolean' }, name: { type: 'string' }, owner: { type: 'string', default: 'a' }, tag: { type: 'string', multiple: true } },
      },
      (args, options) => {
        expectTypeOf(args).toEqualTypeOf<{ file: string; maybe: string | undefined; more: string[] }>();
        expectTypeOf(options).toEqualTypeOf<{ force: boolean; name: string | undefined; owner: string; tag: string[] }>();
      },
    );
    expect([...app.cli.commands.keys()]).toEqual(['typed']);
  });

  it("refuses micro's own command names, a second command of one name, and the CLI's own options", () => {
    const app = new App();
    const noop = () => {};
    expect(() => app.cli.command('routes', noop)).toThrow("'micro routes' is one of micro's own commands");
    app.cli.command('seed', noop);
    expect(() => app.cli.command('seed', noop)).toThrow("A command named 'seed' is already registered");
    expect(() => app.cli.command('x', { options: { app: { type: 'string' } } }, noop)).toThrow("--app is the CLI's own option");
    expect(() => app.cli.command('x', { arguments: [{ name: 'a', variadic: true }, { name: 'b' }] }, noop)).toThrow('only the last argument may be variadic');
    expect(() => app.cli.command('two words', noop)).toThrow(/Command names are words/);
  });
});
