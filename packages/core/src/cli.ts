/**
 * The `micro` command, like `flask run` and `flask routes`:
 *
 *   micro run --app path/to/app.ts [--host 127.0.0.1] [--port 5000] [--debug]
 *   micro routes --app path/to/app.ts
 *
 * The app module must export the App as `app` or as its default export.
 * TypeScript files are loaded through tsx. `--debug` sets DEBUG and restarts
 * the server when a file under the app's directory changes.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatRoutes, loadApp } from './cli-commands.js';

const USAGE = `Usage:
  micro run --app <file> [--host 127.0.0.1] [--port 5000] [--debug]
  micro routes --app <file>`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      app: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5000' },
      debug: { type: 'boolean', default: false },
      'no-reload': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.app || (command !== 'run' && command !== 'routes')) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'routes') {
    console.log(formatRoutes(await loadApp(values.app)));
    return 0;
  }
  if (values.debug && !values['no-reload']) {
    // Reload: a child process under node's watch mode restarts on any change in the app's folder.
    // It keeps this process's node flags (e.g. `--import tsx`), except the inspector's, whose port this process holds.
    const nodeFlags = process.execArgv.filter((flag) => !/^--(inspect|watch)/.test(flag));
    const child = spawn(
      process.execPath,
      [...nodeFlags, `--watch-path=${dirname(resolve(values.app))}`, process.argv[1]!, ...argv, '--no-reload'],
      { stdio: 'inherit' },
    );
    return await new Promise<number>((done) => child.on('exit', (code) => done(code ?? 0)));
  }
  const app = await loadApp(values.app);
  if (values.debug) app.config.DEBUG = true;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const server = await app.listen(port, values.host);
  console.log(` * Serving micro app '${app.name}'${values.debug ? ' (debug mode)' : ''}`);
  console.log(` * Running on ${server.url} (Press CTRL+C to quit)`);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
