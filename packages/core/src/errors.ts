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
export class ServiceUnavailable extends HTTPException {
  constructor(description?: string, options: Omit<HTTPExceptionOptions, 'description'> = {}) {
    super(503, { ...options, description });
  }
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

export const STATUS_NAMES: Record<number, string> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
  304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict',
  410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  414: 'Request URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable',
  418: "I'm a teapot", 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

// Werkzeug's wording, so error pages read the same as Flask's.
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'The browser (or proxy) sent a request that this server could not understand.',
  401: "The server could not verify that you are authorized to access the URL requested.",
  403: "You don't have the permission to access the requested resource.",
  404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  405: 'The method is not allowed for the requested URL.',
  413: 'The data value transmitted exceeds the capacity limit.',
  415: 'The server does not support the media type transmitted in the request.',
  500: 'The server encountered an internal error and was unable to complete your request.',
  503: 'The server is temporarily unable to service your request. Please try again later.',
};
