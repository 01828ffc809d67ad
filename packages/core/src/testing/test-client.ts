/**
 * Flask's `app.test_client()` for Node: builds requests (query, form, JSON,
 * multipart), keeps cookies between them and follows redirects. Where the
 * request goes is a `TestTransport`: the app in-process (the default for
 * `app.testClient()`), or any request listener over real HTTP on loopback.
 */

import { randomBytes } from 'node:crypto';
import type { RequestListener, ServerOptions } from 'node:http';
import { CookieJar } from '../cookie-jar.js';
import { httpTransport } from './http-transport.js';

export type MultipartFile = { content: string | Buffer | Uint8Array; filename: string; contentType?: string };
export type MultipartValue = string | MultipartFile;

export interface TestRequestOptions {
  /** Added to the path's own query string; arrays repeat the name. */
  query?: Record<string, string | number | boolean | (string | number | boolean)[]> | URLSearchParams | string;
  headers?: Record<string, string | string[]>;
  /** URL-encoded form body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string | string[]>;
  /** JSON body (`application/json`). */
  json?: unknown;
  /** Raw body; set its `Content-Type` in `headers`. */
  body?: string | Buffer | Uint8Array;
  /** `multipart/form-data` body: text fields and files. */
  multipart?: Record<string, MultipartValue | MultipartValue[]>;
  /** Follow redirects for this request. Default: the client's `followRedirects`. */
  followRedirects?: boolean;
}

export interface TestClientOptions {
  /** Scheme and host the app sees (`Host` header; `https` marks the socket encrypted). Default: `'http://localhost'`. */
  baseUrl?: string;
  /** Follow 301/302/303/307/308 responses. Default: `false`. */
  followRedirects?: boolean;
  /** Keep cookies between requests. Default: `true`. */
  useCookies?: boolean;
  /** Passed to `http.createServer` when the client sends real HTTP. */
  serverOptions?: ServerOptions;
}

/** What a transport gives back for one request. */
export interface TestExchange {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** Carries a prepared request (cookies added) to the app and brings its response back. */
export interface TestTransport {
  send(request: PreparedRequest): Promise<TestExchange>;
  /** Release what the transport holds (a server, sockets). */
  close(): Promise<void>;
}

/** One response, with its body already read. */
export class TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  /** Path and query string of the request that produced this response. */
  readonly url: string;
  /** The redirect responses followed to get here, oldest first. */
  readonly history: TestResponse[];
  private decoded: string | undefined;

  constructor(init: { status: number; headers: Headers; body: Buffer; url: string; history?: TestResponse[] }) {
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body;
    this.url = init.url;
    this.history = init.history ?? [];
  }

  /** The body decoded as UTF-8. */
  get text(): string {
    return (this.decoded ??= this.body.toString('utf8'));
  }

  /** The body parsed as JSON; throws naming the status and content type when it is not JSON. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch (error) {
      const type = this.headers.get('content-type') ?? 'no content type';
      throw new SyntaxError(`Response ${this.status} (${type}) from ${this.url} is not JSON: ${this.text.slice(0, 80)}`, {
        cause: error,
      });
    }
  }
}

/** A request ready to send: everything but cookies, which are added per hop. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
}

const REDIRECTS = new Set([301, 302, 303, 305, 307, 308]);
const MAX_REDIRECTS = 20;

export class TestClient {
  /** Cookies kept between requests (unused when `useCookies` is false). */
  readonly cookies: CookieJar;
  readonly baseUrl: URL;
  readonly followRedirects: boolean;
  readonly useCookies: boolean;
  private readonly transport: TestTransport;

  /** `target`: a node request listener (driven over real HTTP on loopback) or a transport. */
  constructor(target: RequestListener | TestTransport, options: TestClientOptions = {}) {
    this.transport = typeof target === 'function' ? httpTransport(target, options.serverOptions ?? {}) : target;
    this.baseUrl = new URL(options.baseUrl ?? 'http://localhost');
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new TypeError(`TestClient baseUrl must be http or https, got ${options.baseUrl}`);
    }
    this.followRedirects = options.followRedirects ?? false;
    this.useCookies = options.useCookies ?? true;
    this.cookies = new CookieJar({ defaultDomain: this.baseUrl.hostname });
  }

  get(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('GET', path, options);
  }
  post(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('POST', path, options);
  }
  put(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, options);
  }
  patch(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, options);
  }
  delete(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, options);
  }
  head(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('HEAD', path, options);
  }
  options(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('OPTIONS', path, options);
  }

  /** Send `method path`, resolved against `baseUrl`; follows redirects when asked. */
  async request(method: string, path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    let prepared = this.prepare(method.toUpperCase(), path, options);
    const follow = options.followRedirects ?? this.followRedirects;
    const history: TestResponse[] = [];
    for (;;) {
      const response = await this.send(prepared);
      const location = response.headers.get('location');
      if (!follow || !REDIRECTS.has(response.status) || location === null) {
        if (!history.length) return response;
        const { status, headers, body, url } = response;
        return new TestResponse({ status, headers, body, url, history });
      }
      history.push(response);
      if (history.length > MAX_REDIRECTS) {
        throw new Error(`Too many redirects (${MAX_REDIRECTS}): ${history.map((r) => r.url).join(' -> ')}`);
      }
      prepared = this.redirected(prepared, response.status, location);
    }
  }

  /** The `Cookie` header the client would send for `path` (a path or full URL). */
  cookieHeaderFor(path: string): string | undefined {
    return this.useCookies ? this.cookies.cookieHeader(new URL(path, this.baseUrl)) : undefined;
  }

  /** Stop the server and drop connections (HTTP); nothing to do in-process. A later request starts again. */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** Build the method, URL, headers and body of a request from its options. */
  protected prepare(method: string, path: string, options: TestRequestOptions): PreparedRequest {
    const url = new URL(path, this.baseUrl);
    url.hash = '';
    appendQuery(url, options.query);
    const headers = lowerCaseKeys(options.headers ?? {});
    const body = encodeBody(options, headers);
    return body === undefined ? { method, url, headers } : { method, url, headers, body };
  }

  /** One HTTP exchange: adds cookies, sends, stores the response's cookies. */
  protected async send(prepared: PreparedRequest): Promise<TestResponse> {
    const { method, url } = prepared;
    const headers: Record<string, string | string[]> = { ...prepared.headers, host: url.host };
    const cookie = this.cookieHeaderFor(url.href);
    if (cookie) {
      // An explicit Cookie header goes first, so its values win on repeated names.
      const given = headers.cookie === undefined ? [] : [headers.cookie].flat();
      headers.cookie = [...given, cookie].join('; ');
    }

    const { status, headers: responseHeaders, body } = await this.transport.send({ ...prepared, headers });
    if (this.useCookies) this.cookies.store(responseHeaders.getSetCookie(), url);
    return new TestResponse({ status, headers: responseHeaders, body, url: url.pathname + url.search });
  }

  /** The request a browser makes after `status` with `location` (Werkzeug's `resolve_redirect`). */
  protected redirected(previous: PreparedRequest, status: number, location: string): PreparedRequest {
    const url = new URL(location, previous.url);
    url.hash = '';
    if (url.hostname !== previous.url.hostname) {
      throw new Error(`Following external redirects is not supported: ${previous.url.pathname} -> ${location}`);
    }
    // Only 307 and 308 repeat the request as it was; the others become a GET (HEAD stays HEAD).
    if (status === 307 || status === 308) return { ...previous, url };
    const headers = { ...previous.headers };
    delete headers['content-type'];
    delete headers['content-length'];
    return { method: previous.method === 'HEAD' ? 'HEAD' : 'GET', url, headers };
  }
}

function lowerCaseKeys(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const existing = out[key];
    out[key] = existing === undefined ? value : [existing, value].flat();
  }
  return out;
}

function appendQuery(url: URL, query: TestRequestOptions['query']): void {
  if (query === undefined) return;
  const params =
    typeof query === 'string' || query instanceof URLSearchParams ? new URLSearchParams(query) : fromRecord(query);
  for (const [name, value] of params) url.searchParams.append(name, value);
}

function fromRecord(record: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(record)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  return params;
}

/** The body for whichever of form/json/body/multipart was given; sets its Content-Type unless one was. */
function encodeBody(options: TestRequestOptions, headers: Record<string, string | string[]>): Buffer | string | undefined {
  const given = (['form', 'json', 'body', 'multipart'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new TypeError(`Pass only one of form, json, body, multipart (got ${given.join(', ')})`);
  const setType = (type: string) => {
    if (headers['content-type'] === undefined) headers['content-type'] = type;
  };
  if (options.form !== undefined) {
    setType('application/x-www-form-urlencoded');
    return fromRecord(options.form).toString();
  }
  if (options.json !== undefined) {
    setType('application/json');
    return JSON.stringify(options.json);
  }
  if (options.multipart !== undefined) {
    const boundary = `----MicroTestBoundary${randomBytes(12).toString('hex')}`;
    setType(`multipart/form-data; boundary=${boundary}`);
    return encodeMultipart(options.multipart, boundary);
  }
  if (options.body === undefined) return undefined;
  return typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
}

/** RFC 7578 multipart/form-data, escaping names as the WHATWG FormData does. */
export function encodeMultipart(fields: Record<string, MultipartValue | MultipartValue[]>, boundary: string): Buffer {
  const escape = (s: string) => s.replace(/\r\n|\r|\n/g, '%0D%0A').replace(/"/g, '%22');
  const parts: Buffer[] = [];
  for (const [name, values] of Object.entries(fields)) {
    for (const value of Array.isArray(values) ? values : [values]) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"`;
      let content: Buffer;
      if (typeof value === 'string') {
        content = Buffer.from(value, 'utf8');
        head += '\r\n\r\n';
      } else {
        head += `; filename="${escape(value.filename)}"\r\n`;
        head += `Content-Type: ${value.contentType ?? 'application/octet-stream'}\r\n\r\n`;
        content = typeof value.content === 'string' ? Buffer.from(value.content, 'utf8') : Buffer.from(value.content);
      }
      parts.push(Buffer.from(head, 'utf8'), content, Buffer.from('\r\n'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
