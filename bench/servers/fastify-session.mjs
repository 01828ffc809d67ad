// Fastify 5 + @fastify/cookie + @fastify/session with its default in-memory store.
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import session from '@fastify/session';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';

const app = Fastify({ logger: false });

await app.register(formbody);
await app.register(cookie);
await app.register(session, {
  secret: SECRET,
  cookieName: 'sessionId',
  saveUninitialized: false,
  // Plain HTTP on loopback: a `secure` cookie would never come back.
  cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: false },
});

app.get('/hello', async (_request, reply) => {
  reply.type('text/plain; charset=utf-8');
  return HELLO;
});

app.get('/', async (request, reply) => {
  const username = request.session.get('username');
  reply.type('text/html; charset=utf-8');
  return username === undefined ? LOGGED_OUT : loggedIn(escapeHtml(username));
});

app.post('/login', async (request, reply) => {
  request.session.set('username', String(request.body?.username ?? ''));
  return reply.redirect('/', 302);
});

app.get('/logout', async (request, reply) => {
  await request.session.destroy();
  return reply.redirect('/', 302);
});

await app.listen({ port: PORT, host: HOST });
ready(app.server.address().port);
