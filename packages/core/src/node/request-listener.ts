import type { RequestListener } from 'node:http';
import type { App } from '../app.js';
import { Request } from '../request.js';
import { writeResponse } from './write-response.js';

/**
 * The node:http side of a request: wrap node's request in a `Request`, let the
 * app handle it, write its `Response` back.
 */
export function requestListener(app: App): RequestListener {
  return function microRequestListener(req, res) {
    const request = new Request(req, app.config, app.proxyFix);
    app.handle(request, (response) => writeResponse(res, response, request.method === 'HEAD')).catch((err: unknown) => {
      // handle() settles every error itself; reaching this is a bug in micro, not in the app.
      app.logger.error('The request pipeline failed', err);
      res.destroy();
    });
  };
}
