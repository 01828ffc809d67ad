// Koa 3 + koa-session (signed cookie) + @koa/bodyparser + @koa/router.
import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import session from 'koa-session';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';

const app = new Koa();
app.keys = [SECRET];

const router = new Router();

router.get('/hello', (ctx) => {
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = HELLO;
});

router.get('/', (ctx) => {
  const username = ctx.session.username;
  ctx.type = 'html';
  ctx.body = username === undefined ? LOGGED_OUT : loggedIn(escapeHtml(username));
});

router.post('/login', (ctx) => {
  ctx.session.username = String(ctx.request.body?.username ?? '');
  ctx.redirect('/');
});

router.get('/logout', (ctx) => {
  ctx.session = null;
  ctx.redirect('/');
});

// koa-session reads the cookie lazily, so /hello pays nothing for it.
app.use(session({ key: 'session', signed: true, httpOnly: true, sameSite: 'lax' }, app));
app.use(bodyParser({ enableTypes: ['form'] }));
app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(PORT, HOST, () => ready(server.address().port));
