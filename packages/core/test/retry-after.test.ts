/**
 * `ServiceUnavailable`'s `retryAfter`, as Werkzeug's `retry_after`: seconds or a
 * date, sent as `Retry-After` on the 503 (RFC 9110 §10.2.3). Checked against
 * Werkzeug 3.1: `ServiceUnavailable(retry_after=5).get_headers()` has
 * ('Retry-After', '5'), and a datetime gives an HTTP date.
 */
import { describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '@micro/core';
import { quietApp } from './helpers.js';

describe('ServiceUnavailable retryAfter', () => {
  it('sends Retry-After in seconds, rounded up, with the error page', async () => {
    const app = quietApp();
    app.get('/busy', function busy() {
      throw new ServiceUnavailable('Back soon.', { retryAfter: 4.2 });
    });
    const r = await app.testClient().get('/busy');
    expect([r.status, r.headers.get('retry-after')]).toEqual([503, '5']);
    expect(r.text).toContain('Back soon.');
  });

  it('takes a date, and keeps other headers', () => {
    const e = new ServiceUnavailable(undefined, { retryAfter: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), headers: { 'X-Why': 'maintenance' } });
    expect(e.headers).toEqual({ 'X-Why': 'maintenance', 'Retry-After': 'Fri, 02 Jan 2026 03:04:05 GMT' });
  });

  it('without retryAfter sends none', () => {
    expect(new ServiceUnavailable().headers).toEqual({});
  });

  it('rejects a negative or non-finite delay', () => {
    expect(() => new ServiceUnavailable(undefined, { retryAfter: -1 })).toThrow(RangeError);
    expect(() => new ServiceUnavailable(undefined, { retryAfter: Number.NaN })).toThrow(/retryAfter must be a number of seconds/);
  });
});
