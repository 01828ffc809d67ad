// The honest limit for a Flask-compatible signed session: node:http, no framework,
// answering as Flask's login example does, with exactly Flask's session cookie
// (tagged JSON, itsdangerous timestamp and HMAC-SHA1 signature with the derived key,
// written with node:crypto and node:zlib in ./lib/flask-cookie.mjs).
//
// What Flask does and this does too: the session is opened from the cookie on every
// request that touches it; a response that touched it gets `Vary: Cookie`; a modified
// session is written as `session=<value>; HttpOnly; Path=/; SameSite=Lax` (no Expires:
// not permanent), an emptied one deleted; redirects carry Werkzeug's HTML body.
import { createServer } from 'node:http';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';
import { cookieValue, deriveKey, dumps, loads } from './lib/flask-cookie.mjs';

const COOKIE = 'session';
const KEY = deriveKey(SECRET);
const ATTRIBUTES = '; HttpOnly; Path=/; SameSite=Lax';
const DELETE = `${COOKIE}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0${ATTRIBUTES}`;
const HTML = 'text/html; charset=utf-8';
// werkzeug.utils.redirect('/') body, as Flask sends it.
const REDIRECT_BODY =
  '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
  '<p>You should be redirected automatically to the target URL: <a href="/">/</a>. If not, click the link.\n';
const REDIRECT_LENGTH = Buffer.byteLength(REDIRECT_BODY);

/** Flask's open_session: the cookie's session, or a new empty one. */
function openSession(req) {
  const value = cookieValue(req.headers.cookie, COOKIE);
  return (value && loads(value, KEY)) || {};
}

/** A 302 to / that saves the session as Flask's save_session does. */
function redirectSaving(res, session) {
  res.writeHead(302, {
    'content-type': HTML,
    'content-length': REDIRECT_LENGTH,
    location: '/',
    vary: 'Cookie',
    'set-cookie': Object.keys(session).length === 0 ? DELETE : `${COOKIE}=${dumps(session, KEY)}${ATTRIBUTES}`,
  });
  res.end(REDIRECT_BODY);
}

const server = createServer((req, res) => {
  const url = req.url;
  if (req.method === 'GET' && url === '/hello') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(HELLO) });
    res.end(HELLO);
    return;
  }
  if (req.method === 'GET' && url === '/') {
    const { username } = openSession(req);
    const body = typeof username === 'string' ? loggedIn(escapeHtml(username)) : LOGGED_OUT;
    res.writeHead(200, { 'content-type': HTML, 'content-length': Buffer.byteLength(body), vary: 'Cookie' });
    res.end(body);
    return;
  }
  if (req.method === 'POST' && url === '/login') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const session = openSession(req);
      session.username = new URLSearchParams(Buffer.concat(chunks).toString()).get('username') ?? '';
      redirectSaving(res, session);
    });
    return;
  }
  if (req.method === 'GET' && url === '/logout') {
    const session = openSession(req);
    if (!('username' in session)) {
      // Flask: session.pop() of a missing key leaves the session unmodified; nothing is saved.
      res.writeHead(302, { 'content-type': HTML, 'content-length': REDIRECT_LENGTH, location: '/', vary: 'Cookie' });
      res.end(REDIRECT_BODY);
      return;
    }
    delete session.username;
    redirectSaving(res, session);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 9 });
  res.end('Not Found');
});

server.listen(PORT, HOST, () => ready(server.address().port));
