// micro serving a folder: the app's static route (Flask's `static/`), all defaults
// (ETag, Last-Modified, Cache-Control: no-cache, ranges).
import { App } from '@micro/core';
import { HOST, PORT, ready } from './lib/common.mjs';
import { staticFiles } from './lib/static-files.mjs';

const app = new App({ staticFolder: staticFiles(), staticUrlPath: '/static' });
await app.listen(PORT, HOST, { handleSignals: false });
ready();
