import { App, abort, escape, redirect, request, urlFor } from '@micro/core';
import { session, sessions } from '@micro/session';

declare module '@micro/core' {
  interface SessionData {
    username?: string;
  }
}

/** The Flask docs' session demo: `/` greets, `/login` remembers a name, `/logout` forgets it. */
export function createApp(secretKey: string): App {
  const app = new App({ name: 'micro-login', config: { SECRET_KEY: secretKey } });
  sessions(app);

  app.get('/', function index() {
    const name = session.get('username');
    return name !== undefined ? `Logged in as ${escape(name)}` : 'You are not logged in';
  });

  app.route('/login', { methods: ['GET', 'POST'] })(async function login() {
    if (request.method === 'POST') {
      const username = (await request.form()).get('username');
      if (username === undefined) abort(400); // as Flask's request.form['username']
      session.set('username', username);
      return redirect(urlFor('index'));
    }
    return LOGIN_FORM;
  });

  app.get('/logout', function logout() {
    session.pop('username');
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
