import type { App } from './app.js';
import { RequestContext, runHeld } from './context.js';
import { Request } from './request.js';
import { Response } from './response.js';
import type { SessionData, SessionLike } from './session-interface.js';
import { TestClient, type PreparedRequest, type TestClientOptions, type TestResponse } from './test-client.js';

/** @internal Header the app test client uses to collect propagated errors. */
export const TEST_REQUEST_HEADER = 'x-micro-test-request';

let nextRequestId = 0;

export type AppTestClientOptions = TestClientOptions;

/** The test client of an app: a TestClient plus `sessionTransaction` (Flask's `session_transaction`). */
export class AppTestClient extends TestClient {
  constructor(
    readonly app: App,
    options: AppTestClientOptions = {},
  ) {
    super(app.handler, options);
  }

  /**
   * Send one request; in TESTING (or with PROPAGATE_EXCEPTIONS) an unhandled
   * error of the app rejects the call with that error, as Flask's client raises it.
   */
  protected override async send(prepared: PreparedRequest): Promise<TestResponse> {
    const id = `${process.pid}-${++nextRequestId}`;
    const response = await super.send({ ...prepared, headers: { ...prepared.headers, [TEST_REQUEST_HEADER]: id } });
    const propagated = this.app.propagatedErrors;
    if (propagated.has(id)) {
      const error = propagated.get(id);
      propagated.delete(id);
      throw error;
    }
    return response;
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
    const ctx = new RequestContext(app, request, null);
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
    return runHeld(ctx, transaction, true);
  }
}
