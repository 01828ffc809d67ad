/** flaskr/auth.py: register, log in, log out; the logged-in user on `g`. */
import { Blueprint, g, redirect, request, session, urlFor, checkPasswordHash, generatePasswordHash, type Handler } from '@micro/core';
import { flash } from '@micro/session';
import { renderTemplate } from '@micro/templates';
import { SqliteError } from 'better-sqlite3';
import { getDb } from './db.js';
import { formField } from './form-field.js';

export interface User {
  id: number;
  username: string;
  password: string;
}

declare module '@micro/core' {
  interface G {
    user?: User | null;
  }
  interface SessionData {
    user_id?: number;
  }
}

export const bp = new Blueprint('auth', { urlPrefix: '/auth' });

/** View decorator that redirects anonymous users to the login page. */
export function loginRequired<P>(view: Handler<P>): Handler<P> {
  const wrappedView: Handler<P> = (params, ctx) => {
    if (g.user == null) return redirect(urlFor('auth.login'));
    return view(params, ctx);
  };
  // functools.wraps: the endpoint is named after the view, not the wrapper.
  Object.defineProperty(wrappedView, 'name', { value: view.name });
  return wrappedView;
}

/** If a user id is stored in the session, load the user object from the database into `g.user`. */
bp.beforeAppRequest(function loadLoggedInUser() {
  const userId = session.get('user_id');
  if (userId === undefined) {
    g.user = null;
  } else {
    g.user = (getDb().prepare('SELECT * FROM user WHERE id = ?').get(userId) as User | undefined) ?? null;
  }
});

/** Register a new user. Validates that the username is not already taken. Hashes the password for security. */
bp.route('/register', { methods: ['GET', 'POST'] })(async function register() {
  if (request.method === 'POST') {
    const form = await request.form();
    const username = formField(form, 'username');
    const password = formField(form, 'password');
    const db = getDb();
    let error: string | null = null;

    if (!username) {
      error = 'Username is required.';
    } else if (!password) {
      error = 'Password is required.';
    }

    if (error === null) {
      try {
        db.prepare('INSERT INTO user (username, password) VALUES (?, ?)').run(username, await generatePasswordHash(password));
        // Success, go to the login page.
        return redirect(urlFor('auth.login'));
      } catch (err) {
        // The username was already taken, which caused the insert to fail. Show a validation error.
        if (!(err instanceof SqliteError && err.code.startsWith('SQLITE_CONSTRAINT'))) throw err;
        error = `User ${username} is already registered.`;
      }
    }

    flash(error);
  }

  return renderTemplate('auth/register.html');
});

/** Log in a registered user by adding the user id to the session. */
bp.route('/login', { methods: ['GET', 'POST'] })(async function login() {
  if (request.method === 'POST') {
    const form = await request.form();
    const username = formField(form, 'username');
    const password = formField(form, 'password');
    const db = getDb();
    let error: string | null = null;
    const user = db.prepare('SELECT * FROM user WHERE username = ?').get(username) as User | undefined;

    if (user === undefined) {
      error = 'Incorrect username.';
    } else if (!(await checkPasswordHash(user.password, password))) {
      error = 'Incorrect password.';
    }

    if (error === null) {
      // store the user id in a new session and return to the index
      session.clear();
      session.set('user_id', user!.id);
      return redirect(urlFor('index'));
    }

    flash(error);
  }

  return renderTemplate('auth/login.html');
});

/** Clear the current session, including the stored user id. */
bp.route('/logout')(function logout() {
  session.clear();
  return redirect(urlFor('index'));
});
