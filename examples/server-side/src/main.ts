#!/usr/bin/env node
import { createApp } from './app.js';
import { sessionStoreFromEnv } from './session-store-from-env.js';

// A fixed key keeps logins across restarts while you try the demo; never use it in production.
const DEVELOPMENT_KEY = 'micro-server-side development key: do not use in production';

const secretKey = process.env.SECRET_KEY || DEVELOPMENT_KEY;
if (!process.env.SECRET_KEY) {
  console.warn('warning: SECRET_KEY is not set; using a development key. Set SECRET_KEY to a long random string in production.');
}

const setup = await sessionStoreFromEnv(process.env);
const port = Number(process.env.PORT ?? 5000);
const host = process.env.HOST ?? '127.0.0.1';
const server = await createApp(secretKey, setup).listen(port, host);
server.server.once('close', () => void setup.close());
console.log(`micro-server-side running on ${server.url}/ with SESSION_TYPE=${setup.type} (${setup.where}) (Ctrl+C to stop)`);
