import { App, abort, escape, redirect, request, urlFor } from '@micro/core';
import { session, sessions } from '@micro/session';
import type { StoreSetup } from './session-store-from-env.js';

declare module '@micro/core' {
  interface SessionData {
    username?: string;
  }
}

/**
 * The login demo on server-side sessions: the cookie holds a signed random
 * id, the name lives in the store `setup` describes. Login regenerates the
 * id (an id planted before login is worthless after it); logout destroys
 * the stored session.
 */
export function createApp(secretKey: string, setup: StoreSetup): App {
  const app = new App({ name: 'micro-server-side', config: { SECRET_KEY: secretKey, SESSION_TYPE: setup.type, ...setup.config } });
  app.config.fromEnv(); // MICRO_SESSION_PERMANENT=false, MICRO_PERMANENT_SESSION_LIFETIME=3600…
  sessions(app);

  app.get('/', function index() {
    const name = session.get('username');
    return name !== undefined ? `Logged in as ${escape(name)}` : 'You are not logged in';
  });

  app.route('/login', { methods: ['GET', 'POST'] })(async function login() {
    if (request.method === 'POST') {
      const username = (await request.form()).get('username');
      if (username === undefined) abort(400);
      session.set('username', username);
      session.regenerate();
      return redirect(urlFor('index'));
    }
    return LOGIN_FORM;
  });

  app.get('/logout', function logout() {
    session.destroy();
    return redirect(urlFor('index'));
  });

  return app;
}

const LOGIN_FORM = `
        <form method="post">
            <p><input type=text name=username>
            <p><input type=submit value=Login>
        </form>
    `;
