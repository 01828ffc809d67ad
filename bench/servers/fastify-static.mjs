// Fastify with @fastify/static (built on @fastify/send): its defaults (ETag, Last-Modified,
// Cache-Control: public, max-age=0, ranges), the folder served at /static/.
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { HOST, PORT, ready } from './lib/common.mjs';
import { staticFiles } from './lib/static-files.mjs';

const app = Fastify({ logger: false });
await app.register(fastifyStatic, { root: staticFiles(), prefix: '/static/' });

await app.listen({ port: PORT, host: HOST });
ready(app.server.address().port);
