/** The new project's app.ts: the login demo of Flask's docs, with templates and a style sheet. */
import { SESSION_CHOICES } from './sessions.js';

/**
 * @param {{ name: string, sessions: string }} options
 * @returns {string}
 */
export function appSource({ name, sessions }) {
  const storeConfig = SESSION_CHOICES[sessions].config.map((line) => `  ${line}\n`).join('');
  return `import { fileURLToPath } from 'node:url';
import { App, abort, redirect, request, urlFor } from '@micro/core';
import { session, sessions } from '@micro/session';
import { renderTemplate, templates } from '@micro/templates';

declare module '@micro/core' {
  interface SessionData {
    username?: string;
  }
}

// templates/ and static/ are found next to this file, wherever the app is started from.
export const app = new App({ name: '${name}', rootPath: fileURLToPath(new URL('.', import.meta.url)) });

app.config.fromObject({
  // A fixed key keeps you logged in across restarts while you develop.
  // In production set MICRO_SECRET_KEY to a long random string.
  SECRET_KEY: 'dev',
${storeConfig}});
// MICRO_<KEY> environment variables override the values above (MICRO_SECRET_KEY, MICRO_DEBUG, …).
app.config.fromEnv();

sessions(app);
templates(app);

app.get('/', function index() {
  return renderTemplate('index.html', { username: session.get('username') });
});

app.route('/login', { methods: ['GET', 'POST'] })(async function login() {
  if (request.method === 'POST') {
    const username = (await request.form()).get('username');
    if (!username) abort(400);
    session.set('username', username);
    return redirect(urlFor('index'));
  }
  return renderTemplate('login.html');
});

app.get('/logout', function logout() {
  session.pop('username');
  return redirect(urlFor('index'));
});
`;
}
