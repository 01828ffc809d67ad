/**
 * Werkzeug's `ProxyFix` for apps behind reverse proxies: trust the
 * `X-Forwarded-*` headers the given number of proxies add, and no more.
 *
 * ```ts
 * proxyFix(app, { xFor: 1, xProto: 1, xHost: 1 }); // one nginx in front
 * ```
 *
 * Each header is a comma-separated list, one value per proxy; with `xFor: 2`
 * the second value from the right is used (the address the outer proxy saw).
 * A header with fewer values than trusted is ignored, as are all headers not
 * trusted (count 0). Only trust what your proxies set and overwrite: a client
 * can send any of these headers itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { App } from './app.js';

export interface ProxyFixOptions {
  /** Proxies that set `X-Forwarded-For` (→ `request.remoteAddr`). Default 1. */
  xFor?: number;
  /** Proxies that set `X-Forwarded-Proto` (→ `request.scheme`). Default 1. */
  xProto?: number;
  /** Proxies that set `X-Forwarded-Host` (→ `request.host`). Default 0. */
  xHost?: number;
  /** Proxies that set `X-Forwarded-Port` (→ the port in `request.host`). Default 0. */
  xPort?: number;
  /** Proxies that set `X-Forwarded-Prefix` (→ `request.rootPath`, where the app is mounted). Default 0. */
  xPrefix?: number;
}

export type ProxyFixSettings = Readonly<Required<ProxyFixOptions>>;

/** What the trusted headers say about one request; null where they say nothing. */
export interface Forwarded {
  remoteAddr: string | null;
  scheme: string | null;
  /** `host[:port]`, the Host header as the client sent it to the outermost trusted proxy. */
  host: string | null;
  prefix: string | null;
}

/**
 * Trust `X-Forwarded-*` headers from this many proxies (Werkzeug's
 * `app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)`): `request.remoteAddr`,
 * `scheme`, `host` and `rootPath` then describe the client's request, and so do
 * `urlFor(…, { external: true })`, redirects and `TRUSTED_HOSTS` checks.
 */
export function proxyFix(app: App, options: ProxyFixOptions = {}): App {
  app.proxyFix = proxyFixSettings(options);
  return app;
}

/** Validated settings with Werkzeug's defaults (x_for=1, x_proto=1, the rest 0). */
export function proxyFixSettings(options: ProxyFixOptions = {}): ProxyFixSettings {
  const settings = { xFor: 1, xProto: 1, xHost: 0, xPort: 0, xPrefix: 0, ...options };
  for (const [key, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`proxyFix(): ${key} must be a whole number of proxies (0 or more), got ${JSON.stringify(value)}`);
    }
  }
  return Object.freeze(settings);
}

/** Read the trusted `X-Forwarded-*` headers of a request, as Werkzeug's ProxyFix rewrites the environ. */
export function readForwarded(headers: IncomingHttpHeaders, s: ProxyFixSettings): Forwarded {
  const remoteAddr = trustedValue(headers['x-forwarded-for'], s.xFor);
  const scheme = trustedValue(headers['x-forwarded-proto'], s.xProto);
  let host = trustedValue(headers['x-forwarded-host'], s.xHost);
  const port = trustedValue(headers['x-forwarded-port'], s.xPort);
  if (port !== null) {
    const base = host ?? headers.host;
    if (base) host = `${withoutPort(base)}:${port}`;
  }
  return { remoteAddr, scheme, host, prefix: trustedValue(headers['x-forwarded-prefix'], s.xPrefix) };
}

/** The value `trusted` places from the right of a list header, or null when there are fewer (Werkzeug's `_get_real_value`). */
export function trustedValue(header: string | string[] | undefined, trusted: number): string | null {
  if (!trusted || !header) return null;
  const values = parseListHeader(Array.isArray(header) ? header.join(',') : header);
  return values.length >= trusted ? values[values.length - trusted]! : null;
}

/** Split a comma-separated header, keeping commas inside quoted strings; empty items are dropped (as urllib's `parse_http_list`). */
export function parseListHeader(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      if (current.trim()) items.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) items.push(current.trim());
  return items;
}

/** `host` without its `:port`; a bracketed IPv6 address without a port is left whole. */
function withoutPort(host: string): string {
  const colon = host.lastIndexOf(':');
  return colon !== -1 && !host.endsWith(']') ? host.slice(0, colon) : host;
}
