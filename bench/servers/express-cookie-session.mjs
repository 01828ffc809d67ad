// Express 5 + cookie-session (signed cookie, the data lives in the cookie).
import express from 'express';
import cookieSession from 'cookie-session';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';

const app = express();
app.disable('x-powered-by');

// Before the session middleware: /hello does not touch the session.
app.get('/hello', (_req, res) => {
  res.type('text/plain').send(HELLO);
});

app.use(cookieSession({ name: 'session', keys: [SECRET], httpOnly: true, sameSite: 'lax' }));
app.use(express.urlencoded({ extended: false }));

app.get('/', (req, res) => {
  const username = req.session?.username;
  res.type('html').send(username === undefined ? LOGGED_OUT : loggedIn(escapeHtml(username)));
});

app.post('/login', (req, res) => {
  req.session.username = String(req.body?.username ?? '');
  res.redirect(302, '/');
});

app.get('/logout', (req, res) => {
  req.session = null;
  res.redirect(302, '/');
});

const server = app.listen(PORT, HOST, () => ready(server.address().port));
