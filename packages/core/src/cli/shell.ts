/**
 * `micro shell` (Flask's `flask shell`): node's REPL inside an app context,
 * with `app`, `g`, `currentApp` and the app module's exports in scope.
 */
import repl from 'node:repl';
import type { App } from '../app.js';
import { currentContext, g } from '../context.js';

export interface ShellOptions {
  /** The app module's exports, added to the REPL's scope (but `app`, `g` and `currentApp` are the context's). */
  readonly exports?: Record<string, unknown>;
  /** Where the app came from, for the banner. */
  readonly file?: string;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/**
 * Start the REPL and resolve with its exit. It starts inside
 * `app.appContext`, so code typed in it runs in that context: the context
 * follows the input stream that the REPL (node's readline) opens while it
 * starts, as AsyncLocalStorage follows every resource made in its scope.
 * `g` in scope is the context's own `g`, so it works even if that stream was
 * opened earlier (by the app module, say).
 */
export function startShell(app: App, options: ShellOptions = {}): Promise<void> {
  const output = options.output ?? process.stdout;
  const exports = Object.entries(options.exports ?? {}).filter(([name]) => !['default', 'app', 'g', 'currentApp'].includes(name));
  const names = exports.map(([name]) => name);
  output.write(
    `Node.js ${process.version} on ${process.platform}\n` +
      `App: ${app.name}${options.file ? ` (${options.file})` : ''}\n` +
      `In scope: app, g, currentApp${names.length ? `, and the app module's ${names.join(', ')}` : ''}\n`,
  );
  return app.appContext(
    () =>
      new Promise<void>((done) => {
        const server = repl.start({ prompt: '>>> ', input: options.input ?? process.stdin, output });
        const scope = server.context as Record<string, unknown>;
        for (const [name, value] of exports) scope[name] = value;
        // The context's own objects rather than the proxies: the REPL may evaluate outside the context (see above).
        Object.assign(scope, { app, g: currentContext()?.g ?? g, currentApp: app });
        server.on('exit', () => done());
      }),
  );
}
