import { serializeCookie } from '@micro/core';
import { describe, expect, it } from 'vitest';
import { SessionCookieTemplate } from '../src/session-cookie-template.js';
import type { SessionCookieAttributes } from '../src/session-interface.js';

const base: SessionCookieAttributes = { domain: null, path: '/', httpOnly: true, secure: false, sameSite: 'Lax', partitioned: false };

describe('SessionCookieTemplate', () => {
  const variants: SessionCookieAttributes[] = [
    base,
    { ...base, domain: 'example.com' },
    { ...base, path: '/shop', sameSite: null, httpOnly: false },
    { ...base, secure: true, sameSite: 'None', partitioned: true, domain: '.example.org' },
    { ...base, sameSite: 'Strict' },
  ];
  const expiries = [null, new Date(Date.UTC(2030, 0, 2, 3, 4, 5))];

  it('writes exactly what serializeCookie writes, for every attribute set, with and without Expires', () => {
    const template = new SessionCookieTemplate();
    for (const attrs of variants) {
      for (const expires of expiries) {
        for (const value of ['eyJ1IjoiYSJ9.awPMVQ.abc-_', 'has space;semi', '']) {
          const want = serializeCookie('session', value, { ...attrs, maxSize: 0, ...(expires ? { expires } : {}) });
          expect(template.header('session', value, attrs, expires)).toBe(want);
        }
      }
    }
  });

  it('rejects what serializeCookie rejects', () => {
    expect(() => new SessionCookieTemplate().header('session', 'a\r\nb', base, null)).toThrow(TypeError);
  });
});
