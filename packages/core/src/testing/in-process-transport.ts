import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { App } from '../app.js';
import { hasNoBody, impliedContentLength } from '../node/write-response.js';
import { Request } from '../request.js';
import type { Response } from '../response.js';
import type { PreparedRequest, TestExchange, TestTransport } from './test-client.js';

/**
 * Calls the app in-process, as Werkzeug's client calls a WSGI app: no socket,
 * the response collected as node would send it, teardown over before the call
 * returns, and (with PROPAGATE_EXCEPTIONS, TESTING or DEBUG) an unhandled
 * error of the app raised to the test instead of a 500 page.
 */
export function inProcessTransport(app: App): TestTransport {
  return {
    async send(prepared: PreparedRequest): Promise<TestExchange> {
      const raw = new InProcessRequest(prepared);
      const request = new Request(raw as unknown as IncomingMessage, app.config, app.proxyFix);
      let exchange: TestExchange | undefined;
      let failure: { error: unknown } | undefined;
      await app.handle(
        request,
        async (response) => {
          try {
            exchange = await collect(response, request.method === 'HEAD');
          } catch (error) {
            failure = { error };
          }
        },
        { propagate: true },
      );
      if (failure) throw new Error('The response body failed while it was sent', { cause: failure.error });
      return exchange!;
    },
    async close(): Promise<void> {},
  };
}

/** The request side of node's IncomingMessage that micro reads: method, url, headers, socket and the body stream. */
class InProcessRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly socket: { remoteAddress: string; encrypted: boolean };
  private body: Buffer | undefined;

  constructor(prepared: PreparedRequest) {
    super();
    const { method, url, body } = prepared;
    this.method = method;
    this.url = url.pathname + url.search;
    this.body = body === undefined ? undefined : Buffer.from(body);
    this.headers = nodeHeaders(prepared.headers, this.body);
    this.socket = { remoteAddress: '127.0.0.1', encrypted: url.protocol === 'https:' };
  }

  override _read(): void {
    if (this.body?.length) this.push(this.body);
    this.body = undefined;
    this.push(null);
  }
}

/** Headers as node's parser gives them: lower-case names, repeats joined (cookies with '; '), Content-Length for a body. */
function nodeHeaders(given: Record<string, string | string[]>, body: Buffer | undefined): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(given)) {
    const key = name.toLowerCase();
    const values = [headers[key] ?? [], value].flat();
    headers[key] = values.join(key === 'cookie' ? '; ' : ', ');
  }
  if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = String(body.length);
  }
  return headers;
}

/** The response as a client would receive it from node's writer: same headers, Content-Length for whole bodies, no body for HEAD. */
async function collect(response: Response, isHead: boolean): Promise<TestExchange> {
  const { status, body } = response;
  const headers = new Headers();
  for (const [name, value] of response.headers) headers.append(name, value);
  const length = impliedContentLength(response);
  if (length !== null) headers.set('Content-Length', String(length));
  if (isHead || hasNoBody(status) || body === null) {
    response.close();
    return { status, headers, body: Buffer.alloc(0) };
  }
  return { status, headers, body: await response.getData() };
}
