// Express with express.static (serve-static, built on send): its defaults (weak ETag,
// Last-Modified, Cache-Control: public, max-age=0, ranges), the folder served at /static/.
import express from 'express';
import { HOST, PORT, ready } from './lib/common.mjs';
import { staticFiles } from './lib/static-files.mjs';

const app = express();
app.disable('x-powered-by');
app.use('/static', express.static(staticFiles()));

const server = app.listen(PORT, HOST, () => ready(server.address().port));
