/**
 * Cookie headers as Werkzeug writes and reads them: `serializeCookie` builds a
 * `Set-Cookie` value byte for byte like `werkzeug.http.dump_cookie`, and
 * `parseCookieHeader` reads a `Cookie` request header like `parse_cookie`.
 */

/** A length of time, as Python's `timedelta` keywords. */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

export interface CookieOptions {
  /** Lifetime in seconds (or a `Duration`); also writes a matching `Expires`. Default: a browser-session cookie. */
  maxAge?: number | Duration;
  /** A `Date` or Unix seconds. Default: derived from `maxAge`, else none. */
  expires?: Date | number;
  /** Share the cookie with subdomains of this domain. A port and a leading dot are dropped. Default: none (host only). */
  domain?: string | null;
  /** Only send the cookie under this path; `null` writes no `Path`. Default: `'/'`. */
  path?: string | null;
  /** Only send the cookie over HTTPS. Default: `false`. */
  secure?: boolean;
  /** Hide the cookie from `document.cookie`. Default: `false`. */
  httpOnly?: boolean;
  /** `'Strict'`, `'Lax'` or `'None'` (any case). Default: none. */
  sameSite?: 'Strict' | 'Lax' | 'None' | null;
  /** CHIPS partitioned storage; implies `secure`. Default: `false`. */
  partitioned?: boolean;
  /** Warn (process warning `MICRO_COOKIE_TOO_LARGE`) above this many bytes; 0 disables. Default: 4093. */
  maxSize?: number;
}

// Control characters would end the header line (CR, LF) or confuse parsers.
const CONTROL = /[\x00-\x1f\x7f]/;
// Besides control characters, these would split the pair or add attributes.
const BAD_NAME = /[\s;=,"\\\x80-\uffff]/;
// Werkzeug's `_cookie_no_quote_re`: values made only of these go out bare.
const NO_QUOTE = /^[A-Za-z0-9_!#$%&'()*+\-./:<=>?@[\]^`{|}~]*$/;
// `quote(path, safe="%!$&'()*+,/:=@")` plus Python's always-safe `_.-~`.
const PATH_SAFE = /^[A-Za-z0-9_.\-~%!$&'()*+,/:=@]*$/;
const PATH_SAFE_BYTE = /[A-Za-z0-9_.\-~%!$&'()*+,/:=@]/;
const DOMAIN_CHARS = /^[A-Za-z0-9._-]*$/;

/** Seconds in `value`, truncated like `int(timedelta.total_seconds())` for a `Duration`. */
export function durationToSeconds(value: number | Duration): number {
  if (typeof value === 'number') return value;
  const { days = 0, hours = 0, minutes = 0, seconds = 0 } = value;
  return Math.trunc(days * 86_400 + hours * 3_600 + minutes * 60 + seconds);
}

/**
 * The value of a `Set-Cookie` header. Throws a `TypeError` for a control
 * character in the name, value, domain or path, a name that could not be sent
 * back intact, or an unknown SameSite value.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (typeof name !== 'string' || name === '' || CONTROL.test(name) || BAD_NAME.test(name)) {
    throw new TypeError(
      `Invalid cookie name ${JSON.stringify(name)}: use ASCII without spaces, control characters or ;=,"\\`,
    );
  }
  if (typeof value !== 'string') throw new TypeError(`Cookie ${name}: the value must be a string`);
  if (CONTROL.test(value)) throw new TypeError(`Cookie ${name}: the value contains a control character`);

  const path = options.path === undefined ? '/' : options.path;
  const domain = options.domain ? formatDomain(name, options.domain) : null;
  const maxAge = options.maxAge === undefined ? undefined : checkMaxAge(name, options.maxAge);

  let expires: string | undefined;
  if (options.expires !== undefined && options.expires !== null) {
    expires = httpDate(name, options.expires);
  } else if (maxAge !== undefined) {
    expires = new Date(Date.now() + maxAge * 1000).toUTCString();
  }

  const sameSite = options.sameSite == null ? null : formatSameSite(options.sameSite);
  const secure = Boolean(options.secure || options.partitioned);
  const quoted = NO_QUOTE.test(value) ? value : quoteValue(value);

  // Attribute order is Werkzeug's, so headers compare equal to Flask's.
  let out = `${name}=${quoted}`;
  if (domain) out += `; Domain=${domain}`;
  if (expires !== undefined) out += `; Expires=${expires}`;
  if (maxAge !== undefined) out += `; Max-Age=${maxAge}`;
  if (secure) out += '; Secure';
  if (options.httpOnly) out += '; HttpOnly';
  if (path !== null) out += `; Path=${formatPath(name, path)}`;
  if (sameSite) out += `; SameSite=${sameSite}`;
  if (options.partitioned) out += '; Partitioned';

  const maxSize = options.maxSize ?? 4093;
  if (maxSize && out.length > maxSize) {
    // Browsers drop oversized cookies silently; say so where someone will see it.
    process.emitWarning(
      `The '${name}' cookie is too large: the value was ${quoted.length} bytes but the header` +
        ` required ${out.length - quoted.length} extra bytes. The final size was ${out.length}` +
        ` bytes but the limit is ${maxSize} bytes. Browsers may silently ignore cookies larger than this.`,
      { code: 'MICRO_COOKIE_TOO_LARGE' },
    );
  }
  return out;
}

/**
 * The cookies in a `Cookie` request header. When a name repeats, the first
 * value wins (as `request.cookies[name]` in Flask). Pairs without a name are
 * skipped; a double-quoted value is unquoted and its backslash escapes
 * (`\"`, `\\`, octal `\054`) decoded.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  // Node reads header bytes as latin1; cookies are UTF-8, as WSGI's decoding dance assumes.
  if (HIGH_LATIN1.test(header) && !WIDE.test(header)) header = latin1AsUtf8(header);

  const len = header.length;
  let i = 0;
  while (i < len) {
    let j = i;
    let c = 0;
    while (j < len && (c = header.charCodeAt(j)) !== SEMI && c !== EQ) j++;
    const key = header.slice(i, j).trim();
    if (j >= len || c === SEMI) {
      if (key && !out.has(key)) out.set(key, '');
      i = j + 1;
      continue;
    }

    let start = j + 1;
    while (start < len && isSpace(header.charCodeAt(start))) start++;
    let end = -1;
    if (header.charCodeAt(start) === QUOTE) end = quotedEnd(header, start);
    // Not a well-formed quoted string: the value runs to the next semicolon.
    if (end === -1) end = header.indexOf(';', start);
    if (end === -1) end = len;

    if (key && !out.has(key)) {
      const raw = header.slice(start, end).trim();
      out.set(key, unquoteCookieValue(raw));
    }
    i = end + 1;
  }
  return out;
}

/** Undo Werkzeug's quoting of one cookie value; a bare value is returned as is. */
export function unquoteCookieValue(raw: string): string {
  if (raw.length < 2 || raw.charCodeAt(0) !== QUOTE || raw.charCodeAt(raw.length - 1) !== QUOTE) return raw;
  const inner = raw.slice(1, -1);
  if (!inner.includes('\\')) return inner;

  // Octal escapes are bytes of UTF-8, so decode through a byte buffer.
  const bytes: number[] = [];
  const push = (s: string) => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  let last = 0;
  for (let k = 0; k < inner.length; k++) {
    if (inner.charCodeAt(k) !== BACKSLASH || k + 1 >= inner.length) continue;
    push(inner.slice(last, k));
    const octal = OCTAL.exec(inner.slice(k + 1, k + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      k += 3;
    } else {
      const cp = inner.codePointAt(k + 1) ?? 0;
      const ch = String.fromCodePoint(cp);
      push(ch);
      k += ch.length;
    }
    last = k + 1;
  }
  push(inner.slice(last));
  return Buffer.from(bytes).toString('utf8');
}

const SEMI = 0x3b;
const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OCTAL = /^[0-3][0-7]{2}/;
const HIGH_LATIN1 = /[\x80-\xff]/;
const WIDE = /[\u0100-\uffff]/;

/** Reinterpret latin1-decoded bytes as UTF-8, unless they are not valid UTF-8. */
function latin1AsUtf8(header: string): string {
  const decoded = Buffer.from(header, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? header : decoded;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Index just past a quoted value that is followed only by spaces and `;`, or -1. */
function quotedEnd(s: string, open: number): number {
  let k = open + 1;
  while (k < s.length) {
    const c = s.charCodeAt(k);
    if (c === BACKSLASH) {
      k += 2;
      continue;
    }
    if (c === QUOTE) break;
    k++;
  }
  if (k >= s.length) return -1;
  let after = k + 1;
  while (after < s.length && isSpace(s.charCodeAt(after))) after++;
  return after >= s.length || s.charCodeAt(after) === SEMI ? after : -1;
}

// Slash-escape as Python's http.cookies does: `"` and `\` get a backslash;
// `,`, `;` and bytes above 0x7e become three octal digits.
function quoteValue(value: string): string {
  let out = '"';
  for (const b of Buffer.from(value, 'utf8')) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x2c || b === 0x3b || b >= 0x7f) out += '\\' + b.toString(8).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out + '"';
}

function formatPath(name: string, path: string): string {
  if (CONTROL.test(path)) throw new TypeError(`Cookie ${name}: the path contains a control character`);
  if (PATH_SAFE.test(path)) return path;
  let out = '';
  for (const b of Buffer.from(path, 'utf8')) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && PATH_SAFE_BYTE.test(ch) ? ch : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function formatDomain(name: string, domain: string): string {
  if (CONTROL.test(domain)) throw new TypeError(`Cookie ${name}: the domain contains a control character`);
  // As Werkzeug: drop a port and leading dots, IDNA-encode international names.
  let host = domain.split(':', 1)[0]!.replace(/^\.+/, '');
  if (/[^\x00-\x7f]/.test(host)) host = domainToAscii(host);
  if (!DOMAIN_CHARS.test(host)) {
    throw new TypeError(`Cookie ${name}: invalid domain ${JSON.stringify(domain)}`);
  }
  return host;
}

function domainToAscii(host: string): string {
  // `URL` applies IDNA (UTS #46) to hostnames, the same mapping browsers use.
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return '\0';
  }
}

function checkMaxAge(name: string, maxAge: number | Duration): number {
  const seconds = durationToSeconds(maxAge);
  if (!Number.isFinite(seconds)) throw new TypeError(`Cookie ${name}: maxAge must be a finite number of seconds`);
  return seconds;
}

function httpDate(name: string, expires: Date | number): string {
  const date = typeof expires === 'number' ? new Date(expires * 1000) : expires;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new TypeError(`Cookie ${name}: expires must be a valid Date or Unix seconds`);
  }
  // toUTCString is the IMF-fixdate of RFC 9110: "Thu, 01 Jan 1970 00:00:00 GMT".
  return date.toUTCString();
}

function formatSameSite(value: string): string {
  const titled = typeof value === 'string' ? value.charAt(0).toUpperCase() + value.slice(1).toLowerCase() : '';
  if (titled !== 'Strict' && titled !== 'Lax' && titled !== 'None') {
    throw new TypeError(`SameSite must be 'Strict', 'Lax', or 'None', got ${JSON.stringify(value)}`);
  }
  return titled;
}
