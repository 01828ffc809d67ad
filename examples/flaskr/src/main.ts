#!/usr/bin/env node
/**
 * `micro-flaskr`: serve flaskr (PORT, HOST; SECRET_KEY and DATABASE override
 * the instance config), or `micro-flaskr init-db`: the app's own `init-db`
 * command, run in an app context as `micro init-db` runs it.
 */
import { createApp } from './app.js';

const app = createApp();
if (process.env.SECRET_KEY) app.config.SECRET_KEY = process.env.SECRET_KEY;
if (process.env.DATABASE) app.config.DATABASE = process.env.DATABASE;

const [name, ...rest] = process.argv.slice(2);
if (name === undefined) {
  if (app.config.SECRET_KEY === 'dev') {
    console.warn("warning: SECRET_KEY is 'dev', the tutorial's default. Set SECRET_KEY (or instance/config.json) to a long random string in production.");
  }
  const port = Number(process.env.PORT ?? 5000);
  const host = process.env.HOST ?? '127.0.0.1';
  const server = await app.listen(port, host);
  console.log(`flaskr running on ${server.url}/ (database ${String(app.config.DATABASE)}; Ctrl+C to stop)`);
} else {
  const command = app.cli.commands.get(name);
  if (command === undefined || rest.length > 0) {
    console.error(`Usage: micro-flaskr [${[...app.cli.commands.keys()].join(' | ')}]\n  Without a command it serves the app (PORT, HOST, SECRET_KEY, DATABASE).`);
    process.exit(2);
  }
  await app.appContext(() => command.handler({}, {}));
}
