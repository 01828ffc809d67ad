/**
 * The `micro` command, as the `flask` command:
 *
 *   micro [--app <file>[:name]] [--debug] <command> [args]...
 *   micro run [--host 127.0.0.1] [--port 5000] [--debug]
 *   micro routes | micro shell | micro <the app's command> | micro --help | micro --version
 *
 * The app is found from --app, MICRO_APP, or app.ts / app.js / src/app.ts /
 * src/app.js (cli/locate-app.ts); an `app.listen()` in its module is ignored
 * (cli/listen-guard.ts). Every command but `run` exits when its work is done,
 * whatever the app module left open (a Redis client, a timer): 0, 1 when it
 * failed, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { BUILTIN_SPECS, formatRoutes, isBuiltinCommand, parsePort, runShell, runWithReloader, serveApp, type BuiltinCommand } from './cli-commands.js';
import type { Command } from './cli/app-cli.js';
import { CliError } from './cli/cli-error.js';
import { parseCommandLine, type ParsedCommandLine } from './cli/command-args.js';
import { formatCommandHelp, formatMainHelp, type CommandSummary } from './cli/help.js';
import { RUN_FROM_CLI_ENV } from './cli/listen-guard.js';
import { findAppSpec, locateApp, type LocatedApp } from './cli/locate-app.js';
import { nearestCommand } from './cli/nearest-command.js';

/** `run` resolves with this while its server runs: the process stays up until a signal closes the server. */
const SERVING = Symbol('serving');

/** The global options: `--app` (anywhere before `--`, so `micro routes --app x` works too) and the ones before the command. */
interface GlobalOptions {
  app: string | undefined;
  debug: boolean;
}

async function main(argv: readonly string[]): Promise<number | typeof SERVING> {
  process.env[RUN_FROM_CLI_ENV] = 'true';
  const { app, rest } = takeAppOption(argv);
  const globals: GlobalOptions = { app, debug: false };
  let i = 0;
  for (; i < rest.length && rest[i]!.startsWith('-'); i++) {
    const flag = rest[i]!;
    if (flag === '--debug') globals.debug = true;
    else if (flag === '--version') return printVersion();
    else if (flag === '--help' || flag === '-h') return printMainHelp(globals, 0);
    else if (flag === '--') {
      i++;
      break;
    } else throw new CliError(`No such option: ${flag}\nTry 'micro --help' for help.`);
  }
  const [command, ...args] = rest.slice(i);
  if (command === undefined) return printMainHelp(globals, 2);
  if (isBuiltinCommand(command)) return runBuiltin(command, parseCommandLine(command, BUILTIN_SPECS[command], args), globals, argv);
  return runAppCommand(command, args, globals);
}

/** Take `--app <x>` / `--app=<x>` out of the arguments, wherever it is before `--`. */
function takeAppOption(argv: readonly string[]): { app: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let app: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--app') {
      app = argv[++i];
      if (app === undefined) throw new CliError("Option '--app' requires a value: a file, such as --app app.ts.");
    } else if (arg.startsWith('--app=')) {
      app = arg.slice('--app='.length);
    } else {
      rest.push(arg);
    }
  }
  return { app, rest };
}

async function loadApp(globals: GlobalOptions): Promise<LocatedApp> {
  const located = await locateApp(findAppSpec(globals.app, process.env, process.cwd()));
  if (globals.debug) located.app.config.DEBUG = true;
  return located;
}

async function runBuiltin(command: BuiltinCommand, parsed: ParsedCommandLine, globals: GlobalOptions, argv: readonly string[]): Promise<number | typeof SERVING> {
  if (parsed.help) {
    console.log(formatCommandHelp(command, BUILTIN_SPECS[command]));
    return 0;
  }
  if (command === 'routes') {
    const options = parsed.options as { sort: string; 'all-methods': boolean };
    console.log(formatRoutes((await loadApp(globals)).app, { sort: options.sort, allMethods: options['all-methods'] }));
    return 0;
  }
  if (command === 'shell') {
    await runShell(await loadApp(globals));
    return 0;
  }
  const options = parsed.options as { host: string; port: string; debug: boolean; reload: boolean; 'no-reload': boolean };
  const port = parsePort(options.port);
  const debug = globals.debug || options.debug;
  if (options.reload || (debug && !options['no-reload'])) {
    return runWithReloader(findAppSpec(globals.app, process.env, process.cwd()).file, argv);
  }
  const located = await loadApp({ ...globals, debug });
  await serveApp(located, options.host, port);
  return SERVING;
}

async function runAppCommand(name: string, argv: readonly string[], globals: GlobalOptions): Promise<number> {
  let located: LocatedApp;
  try {
    located = await loadApp(globals);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    // No app: only micro's own commands are known.
    throw noSuchCommand(name, Object.keys(BUILTIN_SPECS), `(${err.message.split('\n')[0]} Its commands are unknown.)`);
  }
  const commands = appCommands(located);
  const command = commands.get(name);
  if (!command) throw noSuchCommand(name, [...Object.keys(BUILTIN_SPECS), ...commands.keys()]);
  const parsed = parseCommandLine(name, command.spec, argv);
  if (parsed.help) {
    console.log(formatCommandHelp(name, command.spec));
    return 0;
  }
  await located.app.appContext(() => command.handler(parsed.args as never, parsed.options as never));
  return Number(process.exitCode ?? 0);
}

/** The app's commands; an app from an older @micro/core has no `cli`. */
function appCommands({ app }: LocatedApp): ReadonlyMap<string, Command> {
  return (app as { cli?: { commands?: ReadonlyMap<string, Command> } }).cli?.commands ?? new Map();
}

/** Click's "No such command", with the nearest command named when one is close. */
function noSuchCommand(name: string, known: readonly string[], note?: string): CliError {
  const nearest = nearestCommand(name, known);
  const lines = [`No such command '${name}'.`];
  if (nearest) lines.push(`Did you mean '${nearest}'?`);
  if (note) lines.push(note);
  lines.push("Try 'micro --help' for help.");
  return new CliError(lines.join('\n'));
}

/** `micro --help`: micro's commands and, when the app loads, the app's, as `flask --help` lists them. */
async function printMainHelp(globals: GlobalOptions, status: number): Promise<number> {
  const commands: CommandSummary[] = Object.entries(BUILTIN_SPECS).map(([name, spec]) => ({ name, description: spec.description }));
  let note: string | undefined;
  try {
    for (const command of appCommands(await loadApp(globals)).values()) commands.push({ name: command.name, description: command.spec.description });
  } catch (err) {
    note = `Note: the app's commands are not listed: ${errorMessage(err).split('\n')[0]}`;
  }
  console.log(formatMainHelp(commands, note));
  return status;
}

function printVersion(): number {
  // src/cli.ts and dist/cli.js both sit one folder below the package's package.json.
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  console.log(`Node.js ${process.version}\n@micro/core ${version}`);
  return 0;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A usage or config error is its message; anything else (the app's own failure) is shown whole, stack and cause. */
function report(err: unknown): number {
  if (err instanceof CliError) {
    console.error(`Error: ${err.message}`);
    return err.exitCode;
  }
  if ((err as { code?: unknown })?.code === 'MICRO_CONFIG_INVALID') {
    console.error(`Error: ${errorMessage(err)}`);
    return 1;
  }
  console.error(inspect(err));
  return 1;
}

/** Exit now, with what was written to stdout and stderr flushed: the app module may hold the event loop open forever. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (result) => {
    if (result !== SERVING) exit(result);
  },
  (err: unknown) => exit(report(err)),
);
