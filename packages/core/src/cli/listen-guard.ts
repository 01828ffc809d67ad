/**
 * `app.listen()` under the micro CLI, as Flask's `app.run()` under `flask run`:
 * the CLI sets MICRO_RUN_FROM_CLI before it imports the app module, and a
 * `listen()` the module calls (the README's snippet ends with
 * `await app.listen(5000)`) serves nothing and says so once. `micro run` then
 * serves the app on its own host and port; `micro routes` and the other
 * commands exit when they are done instead of serving forever.
 *
 * An environment variable rather than a flag in a module, as Flask's
 * FLASK_RUN_FROM_CLI: the app may import another copy of @micro/core than
 * the CLI's (dist and src, two installs), and `micro run --debug` restarts
 * the app in a child process.
 */
import { createServer } from 'node:http';
import type { MicroServer } from '../node/listen.js';

/** Set to `true` by the micro CLI while it runs an app. */
export const RUN_FROM_CLI_ENV = 'MICRO_RUN_FROM_CLI';

let told = false;

/** True when the micro CLI runs this process's app, so `app.listen()` must not serve. */
export function isRunFromCli(): boolean {
  return process.env[RUN_FROM_CLI_ENV] === 'true';
}

/**
 * What `app.listen(port, host)` resolves to under the CLI: a server that is
 * not listening (its node `Server` was never bound, so it holds no port and
 * keeps no process alive), with the address that was asked for and a
 * `close()` that resolves at once. The server the CLI runs is not this one.
 */
export function ignoredListen(logger: { warn(...args: unknown[]): void }, port: number, host: string): Promise<MicroServer> {
  if (!told) {
    told = true;
    logger.warn('Ignoring app.listen(): the micro CLI serves this app');
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return Promise.resolve({
    server: createServer(),
    port,
    host,
    url: `http://${shownHost}:${port}`,
    close: () => Promise.resolve(),
  });
}
