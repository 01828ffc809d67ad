/**
 * HTTP errors as a small class family. Throw one (or call `abort`) anywhere in a
 * request; the app turns it into a response with its status, unless an error
 * handler registered for the status or class answers first.
 */

export interface HTTPExceptionOptions {
  /** Text shown to the client in the default error page. */
  description?: string;
  /** The underlying error, kept for logs; never shown to the client. */
  cause?: unknown;
  /** Extra headers for the error response (e.g. `Allow` on a 405). */
  headers?: Record<string, string>;
}

export class HTTPException extends Error {
  /** HTTP status code of the response this error becomes. */
  readonly status: number;
  /** Stable machine-readable code, e.g. `MICRO_NOT_FOUND`. */
  readonly code: string;
  readonly description: string;
  readonly headers: Record<string, string>;

  constructor(status: number, options: HTTPExceptionOptions = {}) {
    const name = STATUS_NAMES[status] ?? 'Error';
    super(options.description ?? DEFAULT_DESCRIPTIONS[status] ?? name, { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = 'MICRO_' + name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    this.description = options.description ?? DEFAULT_DESCRIPTIONS[status] ?? '';
    this.headers = options.headers ?? {};
  }

  /** The reason phrase: "Not Found" for 404. */
  get statusText(): string {
    return STATUS_NAMES[this.status] ?? 'Error';
  }
}

export class BadRequest extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(400, { ...options, description });
  }
}
export class Unauthorized extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(401, { ...options, description });
  }
}
export class Forbidden extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(403, { ...options, description });
  }
}
export class NotFound extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(404, { ...options, description });
  }
}
export class MethodNotAllowed extends HTTPException {
  /** Methods the resource does allow; sent in the `Allow` header. */
  readonly allowed: string[];
  constructor(allowed: string[], description?: string) {
    super(405, { description, headers: { Allow: allowed.join(', ') } });
    this.allowed = allowed;
  }
}
export class PayloadTooLarge extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(413, { ...options, description });
  }
}
export class UnsupportedMediaType extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(415, { ...options, description });
  }
}
export class InternalServerError extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(500, { ...options, description });
  }
}
export interface ServiceUnavailableOptions extends Omit<HTTPExceptionOptions, 'description'> {
  /**
   * When the client may try again, sent as `Retry-After` (RFC 9110 §10.2.3), as
   * Werkzeug's `retry_after`: seconds (rounded up) or a date.
   */
  retryAfter?: number | Date;
}

export class ServiceUnavailable extends HTTPException {
  constructor(description?: string, options: ServiceUnavailableOptions = {}) {
    const { retryAfter, ...rest } = options;
    const headers = retryAfter === undefined ? rest.headers : { ...rest.headers, 'Retry-After': retryAfterValue(retryAfter) };
    super(503, { ...rest, description, headers });
  }
}

function retryAfterValue(value: number | Date): string {
  if (value instanceof Date) return value.toUTCString();
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`retryAfter must be a number of seconds ≥ 0 or a Date, got ${value}.`);
  return String(Math.ceil(value));
}

/**
 * Not an error for the client: the router asks for a redirect, e.g. `/docs` to
 * `/docs/` when the rule ends in a slash (308, as Werkzeug's RequestRedirect).
 */
export class RequestRedirect extends HTTPException {
  readonly location: string;
  constructor(location: string, status = 308) {
    super(status, { headers: { Location: location } });
    this.location = location;
  }
}

const CLASSES: Record<number, new (description?: string) => HTTPException> = {
  400: BadRequest,
  401: Unauthorized,
  403: Forbidden,
  404: NotFound,
  413: PayloadTooLarge,
  415: UnsupportedMediaType,
  500: InternalServerError,
  503: ServiceUnavailable,
};

/** Throw the HTTP error for `status` (Flask's `abort`). Never returns. */
export function abort(status: number, description?: string): never {
  if (status === 405) throw new MethodNotAllowed([], description);
  const Cls = CLASSES[status];
  if (Cls) throw new Cls(description);
  if (status < 400 || status > 599) {
    throw new TypeError(`abort(${status}): only 4xx and 5xx statuses can be raised`);
  }
  throw new HTTPException(status, { description });
}

/**
 * Reason phrases, as Werkzeug's `HTTP_STATUS_CODES` (so 416 is "Requested Range
 * Not Satisfiable"), for every status Werkzeug has an exception class for.
 */
export const STATUS_NAMES: Record<number, string> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
  304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict',
  410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  414: 'Request URI Too Long', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed', 418: "I'm a teapot", 421: 'Misdirected Request',
  422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
};

/**
 * Werkzeug 3's descriptions, word for word (trailing periods and the 411's
 * `<code>`, which the page escapes, included), so error pages read the same
 * as Flask's. Checked by test/error-pages.test.ts against
 * test/fixtures/werkzeug-errors.json.
 */
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'The browser (or proxy) sent a request that this server could not understand.',
  401:
    "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.",
  403:
    "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  404:
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  405: 'The method is not allowed for the requested URL.',
  406:
    'The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.',
  408:
    "The server closed the network connection because the browser didn't finish the request within the specified time.",
  409:
    'A conflict happened while processing the request. The resource might have been modified while the request was being processed.',
  410:
    'The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.',
  411: 'A request with this method requires a valid <code>Content-Length</code> header.',
  412: 'The precondition on the request for the URL failed positive evaluation.',
  413: 'The data value transmitted exceeds the capacity limit.',
  414:
    'The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.',
  415: 'The server does not support the media type transmitted in the request.',
  416: 'The server cannot provide the requested range.',
  417: 'The server could not meet the requirements of the Expect header',
  418: 'This server is a teapot, not a coffee machine',
  421: 'The server is not able to produce a response.',
  422: 'The request was well-formed but was unable to be followed due to semantic errors.',
  423: 'The resource that is being accessed is locked.',
  424:
    'The method could not be performed on the resource because the requested action depended on another action and that action failed.',
  428:
    'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".',
  429: 'This user has exceeded an allotted request count. Try again later.',
  431: 'One or more header fields exceeds the maximum size.',
  451: 'Unavailable for legal reasons.',
  500:
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
  501: 'The server does not support the action requested by the browser.',
  502: 'The proxy server received an invalid response from an upstream server.',
  503:
    'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
  504: 'The connection to an upstream server timed out.',
  505: 'The server does not support the HTTP protocol version used in the request.',
};
