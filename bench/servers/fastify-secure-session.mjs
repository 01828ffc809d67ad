// Fastify 5 + @fastify/secure-session (encrypted stateless cookie, libsodium):
// the baseline of the session scenarios.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import secureSession from '@fastify/secure-session';
import escapeHtml from 'escape-html';
import { HELLO, HOST, LOGGED_OUT, PORT, SECRET, loggedIn, ready } from './lib/common.mjs';

const app = Fastify({ logger: false });

await app.register(formbody);
// A 32-byte key derived once from the shared secret: the `secret` + `salt` option
// would run a deliberately slow KDF at start-up, which tells nothing about requests.
await app.register(secureSession, {
  key: createHash('sha256').update(SECRET).digest(),
  cookieName: 'session',
  cookie: { path: '/', httpOnly: true, sameSite: 'lax' },
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
  request.session.delete();
  return reply.redirect('/', 302);
});

await app.listen({ port: PORT, host: HOST });
ready(app.server.address().port);
