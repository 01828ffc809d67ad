// Plain Fastify: the baseline of the `hello` scenario (no session plugin at all).
import Fastify from 'fastify';
import { HELLO, HOST, PORT, ready } from './lib/common.mjs';

const app = Fastify({ logger: false });

app.get('/hello', async (_request, reply) => {
  reply.type('text/plain; charset=utf-8');
  return HELLO;
});

await app.listen({ port: PORT, host: HOST });
ready(app.server.address().port);
