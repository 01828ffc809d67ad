import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { MultiDict } from './body/multidict.js';
import type { FileStorage } from './body/file-storage.js';
import { parseContentType, type ParsedContentType } from './body/content-type.js';
import { parseForm, type BodyLimits, type ParsedForm } from './body/parse-form.js';
import { readBody } from './body/read-body.js';
import { parseCookieHeader } from './cookies.js';
import { BadRequest, UnsupportedMediaType } from './errors.js';
import { readForwarded, type Forwarded, type ProxyFixSettings } from './proxy-fix.js';
import { RequestHeaders } from './request-headers.js';

/** The parts of node's IncomingMessage a Request needs; a stand-in works for tests and session transactions. */
export type RawRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & Partial<Pick<IncomingMessage, 'socket'>>;

export interface JsonOptions {
  /** Parse even when Content-Type is not JSON. */
  force?: boolean;
  /** Return null instead of raising on a wrong type or bad JSON. */
  silent?: boolean;
}

/** The config keys a Request reads (an App's config has them all). */
export interface RequestConfig {
  APPLICATION_ROOT: string;
  MAX_CONTENT_LENGTH: number | null;
  MAX_FORM_MEMORY_SIZE: number | null;
  MAX_FORM_PARTS: number | null;
}

const DEFAULT_REQUEST_CONFIG: RequestConfig = {
  APPLICATION_ROOT: '/',
  MAX_CONTENT_LENGTH: null,
  MAX_FORM_MEMORY_SIZE: 500_000,
  MAX_FORM_PARTS: 1_000,
};

/**
 * The incoming request, as Flask's `request`: everything is parsed lazily, on
 * first use, and the body is read only when a handler asks for it, once.
 */
export class Request {
  readonly method: string;
  /** The percent-decoded path inside the app (after APPLICATION_ROOT), e.g. `/users/zoë`. */
  readonly path: string;
  /** Where the app is mounted: APPLICATION_ROOT when the request came in under it, else ''. */
  readonly rootPath: string;
  /** The raw query string without '?'. */
  readonly queryString: string;
  /** The endpoint the URL matched, set by routing. */
  endpoint: string | null = null;
  /** The converted URL parameters, set by routing. */
  viewArgs: Record<string, unknown> = {};
  /** Set when the path could not be decoded; the app answers it with a 400. */
  readonly pathError: BadRequest | null = null;

  /** What trusted `X-Forwarded-*` headers said (see `proxyFix`); null when the app trusts no proxy. */
  private readonly forwarded: Forwarded | null = null;
  /** The trusted `X-Forwarded-Prefix`, without a trailing slash ('' without one). */
  private readonly proxyPrefix: string = '';
  private argsCache: MultiDict<string> | undefined;
  private headersCache: RequestHeaders | undefined;
  private cookiesCache: ReadonlyMap<string, string> | undefined;
  private bodyPromise: Promise<Buffer> | undefined;
  private formPromise: Promise<ParsedForm> | undefined;
  private contentTypeCache: ParsedContentType | undefined;

  constructor(
    readonly raw: RawRequest,
    private readonly config: RequestConfig = DEFAULT_REQUEST_CONFIG,
    proxy: ProxyFixSettings | null = null,
  ) {
    const applicationRoot = config.APPLICATION_ROOT;
    if (proxy !== null) {
      this.forwarded = readForwarded(raw.headers, proxy);
      const prefix = this.forwarded.prefix;
      if (prefix) this.proxyPrefix = (prefix[0] === '/' ? prefix : '/' + prefix).replace(/\/+$/, '');
    }
    this.method = (raw.method ?? 'GET').toUpperCase();
    const url = raw.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    this.queryString = q === -1 ? '' : url.slice(q + 1);
    let path = rawPath;
    if (rawPath.includes('%')) {
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        this.pathError = new BadRequest('The request path contains malformed percent-encoding.');
      }
    }
    if (path[0] !== '/') path = '/' + path;
    const root = applicationRoot.length > 1 ? applicationRoot.replace(/\/+$/, '') : '';
    if (root && (path === root || path.startsWith(root + '/'))) {
      this.rootPath = this.proxyPrefix + root;
      this.path = path.slice(root.length) || '/';
    } else {
      this.rootPath = this.proxyPrefix;
      this.path = path;
    }
  }

  /** Query arguments, multi-valued: `request.args.get('q')`, `request.args.getAll('tag')`. */
  get args(): MultiDict<string> {
    return (this.argsCache ??= MultiDict.fromSearchParams(this.queryString));
  }

  get headers(): RequestHeaders {
    return (this.headersCache ??= new RequestHeaders(this.raw.headers));
  }

  /** Cookies sent by the client, by name. */
  get cookies(): ReadonlyMap<string, string> {
    return (this.cookiesCache ??= parseCookieHeader(this.raw.headers.cookie));
  }

  /** The client's address: the socket peer, or what a trusted proxy says (`proxyFix`). */
  get remoteAddr(): string | null {
    return this.forwarded?.remoteAddr ?? this.raw.socket?.remoteAddress ?? null;
  }

  /** 'https' on TLS sockets, else 'http'; or what a trusted proxy says (`proxyFix`). */
  get scheme(): string {
    const forwarded = this.forwarded?.scheme;
    if (forwarded) return forwarded;
    const socket = this.raw.socket as { encrypted?: boolean } | undefined;
    return socket?.encrypted ? 'https' : 'http';
  }

  /** The Host header, or a trusted proxy's (`proxyFix`); without the scheme's default port, as Werkzeug gives it. */
  get host(): string {
    const host = this.forwarded?.host ?? hostOf(this.raw.headers) ?? 'localhost';
    const scheme = this.scheme;
    if (scheme === 'http' && host.endsWith(':80')) return host.slice(0, -3);
    if (scheme === 'https' && host.endsWith(':443')) return host.slice(0, -4);
    return host;
  }

  /** `scheme://host` + root path + '/', e.g. `http://localhost/`. */
  get urlRoot(): string {
    return `${this.scheme}://${this.host}${this.rootPath}/`;
  }

  /** Path plus query string, e.g. `/search?q=x`. */
  get fullPath(): string {
    return `${this.rootPath}${this.path}?${this.queryString}`;
  }

  /** The full URL, e.g. `http://localhost/search?q=x`. */
  get url(): string {
    const rawPath = this.raw.url ?? '/';
    return `${this.scheme}://${this.host}${this.proxyPrefix}${rawPath[0] === '/' ? '' : '/'}${rawPath}`;
  }

  /** The URL without the query string. */
  get baseUrl(): string {
    return `${this.scheme}://${this.host}${this.rootPath}${encodeURI(this.path)}`;
  }

  /** The blueprint of the matched endpoint (`auth` for `auth.login`), or null. */
  get blueprint(): string | null {
    const endpoint = this.endpoint;
    if (endpoint === null) return null;
    const dot = endpoint.lastIndexOf('.');
    return dot === -1 ? null : endpoint.slice(0, dot);
  }

  /**
   * The blueprint of the matched endpoint and the ones it is nested in,
   * innermost first (`['admin.users', 'admin']`); empty outside blueprints.
   */
  get blueprints(): string[] {
    const name = this.blueprint;
    if (name === null) return [];
    const names = [name];
    for (let dot = name.lastIndexOf('.'); dot !== -1; dot = name.lastIndexOf('.', dot - 1)) names.push(name.slice(0, dot));
    return names;
  }

  get contentType(): string | undefined {
    return this.raw.headers['content-type'];
  }

  /** Content-Type without parameters, lower-cased. */
  get mimetype(): string {
    return this.parsedContentType().mimetype;
  }

  get contentLength(): number | null {
    const value = this.raw.headers['content-length'];
    if (value === undefined) return null;
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  }

  /** True for `application/json` and `application/*+json`. */
  get isJson(): boolean {
    const mt = this.mimetype;
    return mt === 'application/json' || (mt.startsWith('application/') && mt.endsWith('+json'));
  }

  /** The raw body, read once (MAX_CONTENT_LENGTH applies). */
  bytes(): Promise<Buffer> {
    if (this.bodyPromise === undefined && this.formPromise !== undefined) {
      // The form parse consumed the stream: the raw body is gone, as in Werkzeug.
      const empty = () => Buffer.alloc(0);
      this.bodyPromise = this.formPromise.then(empty, empty);
    }
    return (this.bodyPromise ??= this.readStream());
  }

  /** The body decoded as UTF-8. */
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  /** The body parsed as JSON: 415 when the Content-Type is not JSON, 400 when the JSON is malformed. */
  async json<T = unknown>(options: JsonOptions = {}): Promise<T | null> {
    if (!options.force && !this.isJson) {
      if (options.silent) return null;
      throw new UnsupportedMediaType(
        "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
      );
    }
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      if (options.silent) return null;
      throw new BadRequest(`Failed to decode JSON object: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Form fields of an urlencoded or multipart body; empty for other types. */
  form(): Promise<MultiDict<string>> {
    return this.parsedForm().then(fieldsOf);
  }

  /** Uploaded files of a multipart body, by field name. */
  files(): Promise<MultiDict<FileStorage>> {
    return this.parsedForm().then(filesOf);
  }

  /** `args` and `form` together, form values after query values (Flask's `request.values`). */
  async values(): Promise<MultiDict<string>> {
    const form = await this.form();
    return new MultiDict<string>([...this.args.entries(), ...form.entries()]);
  }

  /** True once a multipart body was parsed (there may be temp files to remove). */
  get hasUploads(): boolean {
    return this.formPromise !== undefined && this.mimetype === 'multipart/form-data';
  }

  /** Remove temp files of uploads; the app calls this when the request ends. */
  async cleanup(): Promise<void> {
    if (!this.formPromise) return;
    try {
      await (await this.formPromise).cleanup();
    } catch {
      // A failed parse left nothing to clean up.
    }
  }

  private parsedForm(): Promise<ParsedForm> {
    if (!this.formPromise) {
      const contentType = this.raw.headers['content-type'];
      const parsed = this.parsedContentType();
      // If the body was already read (e.g. by text()), parse the buffered bytes.
      this.formPromise = this.bodyPromise
        ? this.bodyPromise.then((buf) => parseForm(buf, contentType, this.limits(), parsed))
        : parseForm(this.requireStream(), contentType, this.limits(), parsed);
    }
    return this.formPromise;
  }

  // Parsed once: the form parse and the teardown's upload check both need it.
  private parsedContentType(): ParsedContentType {
    return (this.contentTypeCache ??= parseContentType(this.raw.headers['content-type']));
  }

  private readStream(): Promise<Buffer> {
    return readBody(this.requireStream(), this.config.MAX_CONTENT_LENGTH);
  }

  // Read at body time, so config changed after start-up still applies.
  private limits(): BodyLimits {
    const c = this.config;
    return { maxContentLength: c.MAX_CONTENT_LENGTH, maxFormMemorySize: c.MAX_FORM_MEMORY_SIZE, maxFormParts: c.MAX_FORM_PARTS };
  }

  private requireStream(): IncomingMessage {
    if (typeof (this.raw as Partial<IncomingMessage>).on !== 'function') {
      throw new TypeError('This request has no body stream (it was built without a connection).');
    }
    return this.raw as IncomingMessage;
  }
}

// Shared callbacks: no closure per call.
const fieldsOf = (parsed: ParsedForm): MultiDict<string> => parsed.form;
const filesOf = (parsed: ParsedForm): MultiDict<FileStorage> => parsed.files;

function hostOf(headers: IncomingHttpHeaders): string | undefined {
  return headers.host;
}
