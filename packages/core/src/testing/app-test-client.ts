import type { App } from '../app.js';
import { RequestContext, runInContext } from '../context.js';
import { Request } from '../request.js';
import { Response } from '../response.js';
import type { SessionData, SessionLike } from '../session-interface.js';
import { inProcessTransport } from './in-process-transport.js';
import { TestClient, type TestClientOptions } from './test-client.js';

export interface AppTestClientOptions extends TestClientOptions {
  /**
   * Send real HTTP to the app over loopback instead of calling it in-process.
   * For tests of the wire itself (framing, limits, disconnects); an unhandled
   * error is then a 500 page, as a browser would see it. Default false.
   */
  http?: boolean;
}

/**
 * The test client of an app (Flask's `app.test_client()`): calls the app
 * in-process, so an unhandled error rejects the call with that error (with
 * PROPAGATE_EXCEPTIONS, or TESTING or DEBUG, as Flask's client raises it) and
 * teardown hooks have run when the call returns. Adds `sessionTransaction`.
 */
export class AppTestClient extends TestClient {
  constructor(
    readonly app: App,
    options: AppTestClientOptions = {},
  ) {
    super(options.http ? app.handler : inProcessTransport(app), options);
  }

  /**
   * Open the session as the next request to `path` would, let `fn` read or
   * change it, then save it into the cookie jar:
   *
   * ```ts
   * await client.sessionTransaction((s) => s.set('username', 'ada'));
   * ```
   */
  async sessionTransaction<T, D extends object = SessionData>(
    fn: (session: SessionLike<D>) => T | Promise<T>,
    options: { path?: string } = {},
  ): Promise<T> {
    const app = this.app;
    const si = app.sessionInterface;
    if (!si) throw new Error('sessionTransaction() needs sessions: install @micro/session and call `sessions(app)`.');
    const url = new URL(options.path ?? '/', this.baseUrl);
    const cookie = this.cookieHeaderFor(url.href);
    const raw = {
      method: 'GET',
      url: url.pathname + url.search,
      headers: cookie ? { host: url.host, cookie } : { host: url.host },
    };
    const request = new Request(raw, app.config, app.proxyFix);
    const ctx = new RequestContext(app, request);
    const transaction = async (): Promise<T> => {
      const session = await si.openSession(app, request);
      if (!session || si.isNullSession(session)) {
        throw new Error('The session backend did not open a session; is SECRET_KEY set?');
      }
      ctx.sessionValue = session;
      const result = await fn(session as unknown as SessionLike<D>);
      const response = new Response('');
      await si.saveSession(app, session, response);
      this.cookies.store(response.headers.getAll('set-cookie'), url);
      return result;
    };
    return runInContext(ctx, transaction);
  }
}
