/**
 * The test client's cookie store: enough of RFC 6265 for tests to behave like a
 * browser (domain and path matching, Max-Age / Expires, Secure over https
 * only), without a public-suffix list.
 */

import { isIP } from 'node:net';
import { serializeCookie, unquoteCookieValue } from './cookies.js';

/** A stored cookie, as `CookieJar.all()` shows it. `value` is decoded as the app set it. */
export interface CookieInfo {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires?: Date;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
}

export interface CookieLocation {
  /** Exact domain the cookie was stored for. Default: any (for `get`/`delete`), the client's host (for `set`). */
  domain?: string;
  /** Exact path the cookie was stored for. Default: any (for `get`/`delete`), `'/'` (for `set`). */
  path?: string;
}

interface StoredCookie {
  name: string;
  /** The value as it travels in headers (possibly quoted). */
  raw: string;
  domain: string;
  /** No Domain attribute: only sent to exactly `domain` (RFC 6265 §5.3 step 6). */
  hostOnly: boolean;
  path: string;
  /** Milliseconds since the epoch; undefined for a session cookie. */
  expiresAt?: number;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string;
  /** Creation order, the tie-break when ordering the Cookie header (§5.4). */
  seq: number;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();
  private seq = 0;
  /** The host `set()` stores cookies for when no domain is given. */
  readonly defaultDomain: string;

  constructor(options: { defaultDomain?: string } = {}) {
    this.defaultDomain = (options.defaultDomain ?? 'localhost').toLowerCase();
  }

  /** The decoded value of the first cookie named `name` (narrowed by domain/path), if any. */
  get(name: string, options: CookieLocation = {}): string | undefined {
    const found = this.matching(name, options)[0];
    return found === undefined ? undefined : unquoteCookieValue(found.raw);
  }

  /**
   * Store a cookie to send with later requests, as if the app had set it; the
   * value is quoted the way `serializeCookie` would. Like Werkzeug's
   * `set_cookie`, it is sent only to exactly `domain` and under `path`.
   */
  set(name: string, value: string, options: CookieLocation = {}): void {
    const pair = serializeCookie(name, value, { path: null, maxSize: 0 });
    const domain = normalizeDomain(options.domain ?? this.defaultDomain);
    this.put({
      name,
      raw: pair.slice(name.length + 1),
      domain,
      hostOnly: true,
      path: options.path ?? '/',
      secure: false,
      httpOnly: false,
      seq: 0,
    });
  }

  /** Remove cookies named `name`; without a domain or path, every one of that name. */
  delete(name: string, options: CookieLocation = {}): void {
    for (const cookie of this.matching(name, options)) this.cookies.delete(storageKey(cookie));
  }

  /** Every live cookie, in the order they would be sent. */
  all(): CookieInfo[] {
    return this.live().map(toInfo);
  }

  /** Forget every cookie. */
  clear(): void {
    this.cookies.clear();
  }

  get size(): number {
    return this.live().length;
  }

  /**
   * Take the `Set-Cookie` headers of a response to a request for `requestUrl`
   * (RFC 6265 §5.3). Cookies whose Domain does not cover the host are ignored,
   * as a browser would; an expired cookie deletes the stored one.
   */
  store(setCookieHeaders: Iterable<string>, requestUrl: URL | string): void {
    const url = typeof requestUrl === 'string' ? new URL(requestUrl) : requestUrl;
    const host = url.hostname.toLowerCase();
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header, host, url.pathname);
      if (!cookie) continue;
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) {
        this.cookies.delete(storageKey(cookie));
      } else {
        this.put(cookie);
      }
    }
  }

  /** The `Cookie` header a browser would send to `url`, or undefined when no cookie applies. */
  cookieHeader(url: URL | string): string | undefined {
    const target = typeof url === 'string' ? new URL(url) : url;
    const host = target.hostname.toLowerCase();
    const secure = target.protocol === 'https:';
    const pairs: string[] = [];
    for (const cookie of this.live()) {
      if (cookie.secure && !secure) continue;
      if (cookie.hostOnly ? host !== cookie.domain : !domainMatches(host, cookie.domain)) continue;
      if (!pathMatches(target.pathname || '/', cookie.path)) continue;
      pairs.push(`${cookie.name}=${cookie.raw}`);
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }

  private put(cookie: StoredCookie): void {
    const key = storageKey(cookie);
    // A replaced cookie keeps its creation time (§5.3 step 11.3).
    cookie.seq = this.cookies.get(key)?.seq ?? ++this.seq;
    this.cookies.set(key, cookie);
  }

  /** Live cookies, longest path first, then oldest first (§5.4); drops expired ones. */
  private live(): StoredCookie[] {
    const now = Date.now();
    const out: StoredCookie[] = [];
    for (const [key, cookie] of this.cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.cookies.delete(key);
      else out.push(cookie);
    }
    return out.sort((a, b) => b.path.length - a.path.length || a.seq - b.seq);
  }

  private matching(name: string, options: CookieLocation): StoredCookie[] {
    const domain = options.domain === undefined ? undefined : normalizeDomain(options.domain);
    return this.live().filter(
      (c) =>
        c.name === name &&
        (domain === undefined || c.domain === domain) &&
        (options.path === undefined || c.path === options.path),
    );
  }
}

function storageKey(cookie: Pick<StoredCookie, 'domain' | 'path' | 'name'>): string {
  return `${cookie.domain};${cookie.path};${cookie.name}`;
}

function toInfo(cookie: StoredCookie): CookieInfo {
  const info: CookieInfo = {
    name: cookie.name,
    value: unquoteCookieValue(cookie.raw),
    domain: cookie.domain,
    path: cookie.path,
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
  };
  if (cookie.expiresAt !== undefined) info.expires = new Date(cookie.expiresAt);
  if (cookie.sameSite !== undefined) info.sameSite = cookie.sameSite;
  return info;
}

function normalizeDomain(domain: string): string {
  return domain.replace(/^\./, '').toLowerCase();
}

/** RFC 6265 §5.1.3: the host is the domain or a subdomain of it (never for IP addresses). */
function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith('.' + domain) && isIP(host) === 0);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return (
    requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/')
  );
}

/** RFC 6265 §5.1.4 default-path: the request path up to its last slash. */
function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}

/** RFC 6265 §5.2 and §5.3 for one header; null when a browser would ignore it. */
function parseSetCookie(header: string, host: string, requestPath: string): StoredCookie | null {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq === -1) return null;
  const name = pair.slice(0, eq).trim();
  if (!name) return null;

  const cookie: StoredCookie = {
    name,
    raw: pair.slice(eq + 1).trim(),
    domain: host,
    hostOnly: true,
    path: defaultPath(requestPath),
    secure: false,
    httpOnly: false,
    seq: 0,
  };
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? '' : attribute.slice(at + 1).trim();
    switch (key) {
      case 'expires': {
        const time = Date.parse(value);
        if (!Number.isNaN(time)) expires = time;
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(value)) maxAge = Number(value);
        break;
      case 'domain':
        if (value) {
          cookie.domain = normalizeDomain(value);
          cookie.hostOnly = false;
        }
        break;
      case 'path':
        if (value.startsWith('/')) cookie.path = value;
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite':
        cookie.sameSite = value;
        break;
    }
  }
  // Max-Age wins over Expires (§5.3 step 3); zero or less means already expired.
  if (maxAge !== undefined) cookie.expiresAt = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
  else if (expires !== undefined) cookie.expiresAt = expires;

  if (!cookie.hostOnly && !domainMatches(host, cookie.domain)) return null;
  return cookie;
}
