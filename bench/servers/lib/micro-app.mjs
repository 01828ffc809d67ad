// The micro app every micro bench server shares: the four endpoints, written as
// a micro user would (the login example, minus the HTML form).
import { App, escape, redirect, request } from '@micro/core';
import { session, sessions } from '@micro/session';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './common.mjs';

/**
 * Start micro with the given config (SESSION_TYPE and friends). For experiments,
 * MICRO_BENCH_CONFIG (JSON) adds to it in every micro server, e.g.
 * `MICRO_BENCH_CONFIG='{"SESSION_DECRYPT_CACHE_SIZE":0}'`.
 * `bindUser`: the login also binds the session to its user (`session.bindUser`),
 * with the user agent when `bindUserAgent` (as a "your devices" page needs; a
 * cookie session has no such page, and the agent would ride in every cookie).
 */
export async function startMicro(config = {}, { bindUser = false, bindUserAgent = true } = {}) {
  const extra = JSON.parse(process.env.MICRO_BENCH_CONFIG || '{}');
  const app = new App({ config: { SECRET_KEY: SECRET, ...config, ...extra } });
  sessions(app);

  app.get('/hello', function hello() {
    return [HELLO, { 'Content-Type': 'text/plain; charset=utf-8' }];
  });

  app.get('/', function index() {
    const name = session.get('username');
    return name === undefined ? LOGGED_OUT : loggedIn(escape(name));
  });

  app.post('/login', async function login() {
    const username = (await request.form()).get('username', '');
    session.set('username', username);
    if (bindUser) session.bindUser(username, bindUserAgent ? { userAgent: request.headers.get('user-agent') } : {});
    return redirect('/');
  });

  app.get('/logout', function logout() {
    session.pop('username');
    return redirect('/');
  });

  await app.listen(PORT, HOST, { handleSignals: false });
  ready();
  return app;
}
