/** micro's own commands (Flask's `flask run`, `flask routes`, `flask shell`) and what they print. */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import type { App } from './app.js';
import type { CommandSpec } from './cli/app-cli.js';
import { CliError } from './cli/cli-error.js';
import type { LocatedApp } from './cli/locate-app.js';
import { startShell } from './cli/shell.js';
import { listen, type MicroServer } from './node/listen.js';

/** The specs of micro's own commands, parsed and shown in help as an app's commands are. */
export const BUILTIN_SPECS = {
  routes: {
    description: 'Show the routes for the app.',
    options: {
      sort: {
        type: 'string',
        short: 's',
        default: 'endpoint',
        description: "Sort by endpoint, methods or rule; 'match' is the order micro matches routes in.",
      },
      'all-methods': { type: 'boolean', description: 'Show HEAD and OPTIONS methods.' },
    },
  },
  run: {
    description:
      "Run a development server on the app.\n\nA call to app.listen() in the app's module is ignored: this command serves the app.\n" +
      'With --debug, DEBUG is set and the server restarts when a file in the app\'s folder changes.',
    options: {
      host: { type: 'string', default: '127.0.0.1', description: 'The interface to bind to.' },
      port: { type: 'string', short: 'p', default: '5000', description: 'The port to bind to (0: any free port).' },
      debug: { type: 'boolean', description: 'Set DEBUG; restart on changes unless --no-reload.' },
      reload: { type: 'boolean', description: 'Restart on changes, with or without --debug.' },
      'no-reload': { type: 'boolean', description: 'Do not restart on changes under --debug.' },
    },
  },
  shell: {
    description: "Run a shell in the app context.\n\nA node REPL with app, g, currentApp and the app module's exports in scope.",
  },
} as const satisfies Record<string, CommandSpec>;

export type BuiltinCommand = keyof typeof BUILTIN_SPECS;

export function isBuiltinCommand(name: string): name is BuiltinCommand {
  return Object.hasOwn(BUILTIN_SPECS, name);
}

/** How `micro routes` orders its rows: by a column, or as the router matches (`match`). */
export type RoutesSort = 'endpoint' | 'methods' | 'rule' | 'match';
const ROUTES_SORTS: readonly RoutesSort[] = ['endpoint', 'methods', 'rule', 'match'];

/**
 * The `flask routes` table: Endpoint, Methods, Rule, sorted by endpoint
 * unless told otherwise (Flask's `--sort`); HEAD and OPTIONS only with
 * `allMethods`.
 */
export function formatRoutes(app: App, options: { sort?: string; allMethods?: boolean } = {}): string {
  const sort = options.sort ?? 'endpoint';
  if (!(ROUTES_SORTS as readonly string[]).includes(sort)) {
    throw new CliError(`Invalid value for '--sort' / '-s': '${sort}' is not one of ${ROUTES_SORTS.map((s) => `'${s}'`).join(', ')}.`);
  }
  if (app.router.rules.length === 0) return 'No routes were registered.';
  const shown = (m: string) => options.allMethods === true || (m !== 'HEAD' && m !== 'OPTIONS');
  const rows = app.router.rules.map((rule) => [rule.endpoint, [...rule.methods].filter(shown).sort().join(', '), rule.rule]);
  const column = ['endpoint', 'methods', 'rule'].indexOf(sort);
  // A stable sort on one column, as Python's; 'match' keeps the router's order.
  if (column >= 0) rows.sort((a, b) => (a[column]! < b[column]! ? -1 : a[column]! > b[column]! ? 1 : 0));
  const header = ['Endpoint', 'Methods', 'Rule'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `--port`'s text as a port number. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`Invalid value for '--port': '${text}' is not a port number (0 to 65535).`);
  return port;
}

/**
 * Serve the app as `flask run` does. node/listen's `listen`, not
 * `app.listen`, which the CLI turns into a no-op for the app's module.
 * Resolves once the port is bound; a config error rejects here.
 */
export async function serveApp({ app }: LocatedApp, host: string, port: number): Promise<MicroServer> {
  const server = await listen(app, port, host);
  console.log(` * Serving micro app '${app.name}'`);
  console.log(` * Debug mode: ${app.config.DEBUG ? 'on' : 'off'}`);
  console.log(` * Running on ${server.url} (Press CTRL+C to quit)`);
  return server;
}

/**
 * `micro run --debug`: the server runs in a child process under node's
 * watch mode, restarted when a file in the app's folder changes; this
 * process passes SIGINT and SIGTERM on and exits with the child's status.
 * The child keeps this process's node flags (`--import tsx`), except the
 * inspector's, whose port this process holds.
 */
export function runWithReloader(appFile: string, cliArgs: readonly string[]): Promise<number> {
  const nodeFlags = process.execArgv.filter((flag) => !/^--(inspect|watch)/.test(flag));
  console.log(` * Restarting with node --watch-path=${dirname(appFile)}`);
  const child = spawn(process.execPath, [...nodeFlags, `--watch-path=${dirname(appFile)}`, process.argv[1]!, ...cliArgs, '--no-reload'], {
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((done) =>
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      done(code ?? (signal ? 0 : 1));
    }),
  );
}

/** `micro shell`: resolves when the REPL exits (`.exit`, Ctrl+D, the end of piped input). */
export function runShell({ app, module, spec }: LocatedApp): Promise<void> {
  return startShell(app, { exports: module, file: spec.file });
}
