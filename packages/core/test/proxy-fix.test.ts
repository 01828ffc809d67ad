/**
 * proxyFix against Werkzeug's ProxyFix: the expected values are what Flask 3.1
 * with `ProxyFix(app.wsgi_app, x_for=2, x_proto=1, x_host=1, x_port=1, x_prefix=1)`
 * answered for the same headers (both test clients send `Host: localhost`).
 */
import { describe, expect, it } from 'vitest';
import { App, Request, proxyFix, redirect, request, urlFor } from '@micro/core';
import { parseListHeader, trustedValue } from '../src/proxy-fix.js';

function whereApp(options?: Parameters<typeof proxyFix>[1], config: Record<string, unknown> = {}) {
  const app = new App({ config });
  app.get('/where', function where() {
    return {
      remote: request.remoteAddr,
      scheme: request.scheme,
      host: request.host,
      root: request.rootPath,
      url: request.url,
      ext: urlFor('where', {}, { external: true }),
    };
  });
  app.get('/go', function go() {
    return redirect(urlFor('where'));
  });
  if (options) proxyFix(app, options);
  return app;
}

const ALL = { xFor: 2, xProto: 1, xHost: 1, xPort: 1, xPrefix: 1 };
const CHAIN = {
  'X-Forwarded-For': '203.0.113.7, 10.0.0.2',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'example.com',
  'X-Forwarded-Port': '443',
  'X-Forwarded-Prefix': '/app',
};

describe('proxyFix', () => {
  it('takes the client, scheme, host, port and prefix from the trusted proxies, as Werkzeug does', async () => {
    const client = whereApp(ALL).testClient();
    expect((await client.get('/where', { headers: CHAIN })).json()).toEqual({
      remote: '203.0.113.7',
      scheme: 'https',
      host: 'example.com', // :443 is https's default port
      root: '/app',
      url: 'https://example.com/app/where',
      ext: 'https://example.com/app/where',
    });
    expect((await client.get('/go', { headers: CHAIN })).headers.get('location')).toBe('/app/where');
  });

  it('ignores a header with fewer values than trusted proxies, and keeps the Host header when only the port is forwarded', async () => {
    const client = whereApp(ALL).testClient();
    const r = (await client.get('/where', { headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Port': '8443', 'X-Forwarded-Proto': 'https' } })).json();
    expect(r).toEqual({
      remote: '127.0.0.1',
      scheme: 'https',
      host: 'localhost:8443',
      root: '',
      url: 'https://localhost:8443/where',
      ext: 'https://localhost:8443/where',
    });
  });

  it('uses the value the configured number of proxies from the right', async () => {
    const client = whereApp(ALL).testClient();
    const r = (await client.get('/where', { headers: { 'X-Forwarded-Host': 'a.example:8080', 'X-Forwarded-Proto': 'http, https' } })).json();
    expect(r).toMatchObject({ host: 'a.example:8080', scheme: 'https', url: 'https://a.example:8080/where' });
  });

  it('trusts nothing without proxyFix, and only X-Forwarded-For and -Proto with the defaults', async () => {
    const plain = (await whereApp().testClient().get('/where', { headers: CHAIN })).json();
    expect(plain).toMatchObject({ remote: '127.0.0.1', scheme: 'http', host: 'localhost', root: '' });
    const defaults = (await whereApp({}).testClient().get('/where', { headers: CHAIN })).json();
    // x_for=1 takes the last address: the one the (single) trusted proxy saw.
    expect(defaults).toMatchObject({ remote: '10.0.0.2', scheme: 'https', host: 'localhost', root: '' });
  });

  it("drops the scheme's default port from request.host, with or without a proxy (Werkzeug's get_host)", () => {
    const hostOf = (host: string, encrypted = false) => new Request({ method: 'GET', url: '/', headers: { host }, socket: { encrypted } as never }).host;
    expect(hostOf('example.com:80')).toBe('example.com');
    expect(hostOf('example.com:443')).toBe('example.com:443');
    expect(hostOf('example.com:443', true)).toBe('example.com');
    expect(hostOf('example.com:8080')).toBe('example.com:8080');
  });

  it('checks TRUSTED_HOSTS against the forwarded host', async () => {
    const client = whereApp({ xHost: 1 }, { TRUSTED_HOSTS: ['example.com'] }).testClient();
    expect((await client.get('/where', { headers: { 'X-Forwarded-Host': 'example.com' } })).status).toBe(200);
    expect((await client.get('/where', { headers: { 'X-Forwarded-Host': 'evil.example' } })).status).toBe(400);
  });

  it('refuses counts that are not whole numbers of proxies', () => {
    for (const bad of [-1, 1.5, '1', NaN]) expect(() => proxyFix(new App(), { xFor: bad as number })).toThrow(/xFor must be a whole number/);
  });
});

describe('list headers', () => {
  it('split on commas outside quotes, dropping empty items (urllib.parse_http_list)', () => {
    expect(parseListHeader('a,,b')).toEqual(['a', 'b']);
    expect(parseListHeader(' a , b ')).toEqual(['a', 'b']);
    expect(parseListHeader('"x,y", z')).toEqual(['x,y', 'z']);
  });

  it('give the value N places from the right, or null when there are fewer', () => {
    expect(trustedValue('1.1.1.1, 2.2.2.2', 1)).toBe('2.2.2.2');
    expect(trustedValue('1.1.1.1, 2.2.2.2', 2)).toBe('1.1.1.1');
    expect(trustedValue('1.1.1.1, 2.2.2.2', 3)).toBeNull();
    expect(trustedValue('1.1.1.1', 0)).toBeNull();
    expect(trustedValue(undefined, 1)).toBeNull();
  });
});
