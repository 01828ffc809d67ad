// Hono 4 on @hono/node-server with signed cookies from hono/cookie (HMAC-SHA256 via WebCrypto).
import { Hono } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { serve } from '@hono/node-server';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, ready } from './lib/common.mjs';

const COOKIE = 'session';
const app = new Hono();

app.get('/hello', (c) => c.text(HELLO));

app.get('/', async (c) => {
  // false when the signature is bad, undefined when there is no cookie.
  const username = await getSignedCookie(c, SECRET, COOKIE);
  // The html`` tag escapes interpolated values.
  return c.html(typeof username === 'string' ? html`Logged in as ${username}` : LOGGED_OUT);
});

app.post('/login', async (c) => {
  const form = await c.req.parseBody();
  const username = typeof form.username === 'string' ? form.username : '';
  await setSignedCookie(c, COOKIE, username, SECRET, { path: '/', httpOnly: true, sameSite: 'Lax' });
  return c.redirect('/', 302);
});

app.get('/logout', (c) => {
  deleteCookie(c, COOKIE, { path: '/' });
  return c.redirect('/', 302);
});

serve({ fetch: app.fetch, port: PORT, hostname: HOST }, (info) => ready(info.port));
