import type { Readable } from 'node:stream';
import { currentContext } from './context.js';
import { serializeCookie, type CookieOptions } from './cookies.js';
import { STATUS_NAMES } from './errors.js';
import { HeaderMap, type HeadersInit } from './header-map.js';

/** What a response can carry: text, bytes, a readable stream or any async iterable of chunks. */
export type ResponseBody = string | Uint8Array | Readable | AsyncIterable<string | Uint8Array> | null;

export interface ResponseInit {
  /** Default 200. */
  status?: number;
  headers?: HeadersInit;
  /** Sets Content-Type; text types get `; charset=utf-8` (default `text/html`). */
  mimetype?: string;
  /** The full Content-Type header; wins over `mimetype`. */
  contentType?: string;
}

export type DeleteCookieOptions = Pick<CookieOptions, 'domain' | 'path' | 'secure' | 'httpOnly' | 'sameSite' | 'partitioned'>;

/** An HTTP response, as Werkzeug's `Response`: body, status and headers, with cookie helpers. */
export class Response {
  /** Mimetype used when none is given (Flask's default: text/html). */
  static defaultMimetype = 'text/html';

  status: number;
  readonly headers: HeaderMap;
  body: ResponseBody;

  constructor(body: ResponseBody = null, init: ResponseInit = {}) {
    this.body = body;
    this.status = init.status ?? 200;
    this.headers = init.headers instanceof HeaderMap ? init.headers : new HeaderMap(init.headers);
    if (init.contentType !== undefined) this.headers.set('Content-Type', init.contentType);
    else if (!this.headers.has('content-type')) {
      this.headers.set('Content-Type', withCharset(init.mimetype ?? (this.constructor as typeof Response).defaultMimetype));
    } else if (init.mimetype !== undefined) {
      this.headers.set('Content-Type', withCharset(init.mimetype));
    }
  }

  /** "404 Not Found", like Werkzeug's `status`. */
  get statusLine(): string {
    return `${this.status} ${STATUS_NAMES[this.status] ?? 'UNKNOWN'}`;
  }

  get contentType(): string | null {
    return this.headers.get('content-type');
  }
  set contentType(value: string) {
    this.headers.set('Content-Type', value);
  }

  /** The Content-Type without parameters. */
  get mimetype(): string | null {
    const ct = this.headers.get('content-type');
    return ct === null ? null : ct.split(';', 1)[0]!.trim().toLowerCase();
  }
  set mimetype(value: string) {
    this.headers.set('Content-Type', withCharset(value));
  }

  get location(): string | null {
    return this.headers.get('location');
  }
  set location(value: string) {
    this.headers.set('Location', iriToUri(value));
  }

  /** True when the body is a stream or iterable, sent chunk by chunk. */
  get isStreamed(): boolean {
    return this.body !== null && typeof this.body !== 'string' && !(this.body instanceof Uint8Array);
  }

  /**
   * Add a Set-Cookie header. Defaults follow Werkzeug (`path: '/'`, not HttpOnly,
   * no SameSite); the session cookie has its own safer defaults. A header over
   * `maxSize` warns: by default the `MAX_COOKIE_SIZE` of the app handling the
   * request (Flask's `Response.max_cookie_size`), else 4093.
   */
  setCookie(name: string, value = '', options: CookieOptions = {}): this {
    const maxSize = options.maxSize ?? currentContext()?.app.config.MAX_COOKIE_SIZE;
    this.headers.append('Set-Cookie', serializeCookie(name, value, { path: '/', ...options, ...(maxSize === undefined ? {} : { maxSize }) }));
    return this;
  }

  /** Expire a cookie in the browser. Pass the same domain and path it was set with. */
  deleteCookie(name: string, options: DeleteCookieOptions = {}): this {
    return this.setCookie(name, '', { path: '/', ...options, expires: 0, maxAge: 0 });
  }

  /**
   * Release a body that will not be sent (a file handle, a generator): for a
   * response replaced by an after-request hook or an error page, or answered
   * without a body (HEAD, 304). A no-op for text and bytes.
   */
  close(): void {
    const body = this.body;
    if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) closeBody(body);
  }

  /** The whole body as a Buffer (consumes a stream body). */
  async getData(): Promise<Buffer> {
    const body = this.body;
    if (body === null) return Buffer.alloc(0);
    if (typeof body === 'string') return Buffer.from(body);
    if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    const data = Buffer.concat(chunks);
    this.body = data;
    return data;
  }
}

/** Release a streamed body without reading it: a stream is destroyed, a generator returned. */
export function closeBody(body: AsyncIterable<unknown>): void {
  const stream = body as { destroy?: () => void; return?: () => unknown };
  if (typeof stream.destroy === 'function') stream.destroy();
  else if (typeof (body as AsyncGenerator).return === 'function') void Promise.resolve((body as AsyncGenerator).return(undefined)).catch(() => {});
}

/** `text/*`, JSON-ish and XML-ish types get an explicit UTF-8 charset, as Werkzeug does. */
export function withCharset(mimetype: string): string {
  // Most responses use one mimetype (the default): skip the checks and the new string.
  if (mimetype === lastMimetype) return lastContentType;
  lastContentType = contentTypeOf(mimetype);
  lastMimetype = mimetype;
  return lastContentType;
}

let lastMimetype = '';
let lastContentType = '';

function contentTypeOf(mimetype: string): string {
  if (mimetype.includes(';')) return mimetype;
  if (
    mimetype.startsWith('text/') ||
    mimetype === 'application/xml' ||
    mimetype === 'application/javascript' ||
    mimetype === 'application/ecmascript' ||
    mimetype.endsWith('+xml')
  ) {
    return `${mimetype}; charset=utf-8`;
  }
  return mimetype;
}

const UNSAFE_URI_CHARS = /[^\x21-\x7e]/gu;
const HAS_UNSAFE_URI_CHAR = /[^\x21-\x7e]/u;

/** Percent-encode what a Location header cannot carry; reject CR/LF outright. */
export function iriToUri(location: string): string {
  if (!HAS_UNSAFE_URI_CHAR.test(location)) return location;
  if (/[\r\n\0]/.test(location)) {
    throw new TypeError('A redirect location must not contain CR, LF or NUL characters');
  }
  return location.replace(UNSAFE_URI_CHARS, (c) => encodeURIComponent(c));
}
