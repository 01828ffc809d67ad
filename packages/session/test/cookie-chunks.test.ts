import { describe, expect, it } from 'vitest';
import { CHUNK_MARKER, MAX_COOKIE_CHUNKS, chunkCookieName, chunksSent, readChunkedCookie, splitCookieValue } from '../src/cookie-chunks.js';

const jar = (pairs: Record<string, string>) => new Map(Object.entries(pairs));

describe('readChunkedCookie', () => {
  it('returns an unchunked value as it is, and null for a missing cookie', () => {
    expect(readChunkedCookie(jar({ session: 'abc.def' }), 'session')).toBe('abc.def');
    expect(readChunkedCookie(jar({ other: 'x' }), 'session')).toBeNull();
    expect(readChunkedCookie(jar({ session: '' }), 'session')).toBe('');
  });

  it('joins the chunks in order, ignoring chunks beyond the count', () => {
    const cookies = jar({ session: `${CHUNK_MARKER}3`, 'session.2': 'bb', 'session.1': 'aa', 'session.3': 'c', 'session.4': 'zz' });
    expect(readChunkedCookie(cookies, 'session')).toBe('aabbc');
    expect(readChunkedCookie(jar({ sid: `${CHUNK_MARKER}1`, 'sid.1': 'only' }), 'sid')).toBe('only');
  });

  it('gives null when a chunk is missing or empty', () => {
    expect(readChunkedCookie(jar({ session: `${CHUNK_MARKER}3`, 'session.1': 'a', 'session.3': 'c' }), 'session')).toBeNull();
    expect(readChunkedCookie(jar({ session: `${CHUNK_MARKER}2`, 'session.1': 'a', 'session.2': '' }), 'session')).toBeNull();
  });

  it('gives null for a malformed marker, and never reads more than MAX_COOKIE_CHUNKS chunks', () => {
    const many: Record<string, string> = {};
    for (let i = 1; i <= 100; i++) many[`session.${i}`] = 'x';
    for (const marker of ['__chunked__', '__chunked__0', '__chunked__-1', '__chunked__02', '__chunked__1e1', '__chunked__ 2', '__chunked__2x', '__chunked__100']) {
      expect(readChunkedCookie(jar({ ...many, session: marker }), 'session'), marker).toBeNull();
    }
    expect(readChunkedCookie(jar({ ...many, session: `${CHUNK_MARKER}${MAX_COOKIE_CHUNKS}` }), 'session')).toBe('x'.repeat(MAX_COOKIE_CHUNKS));
    expect(readChunkedCookie(jar({ ...many, session: `${CHUNK_MARKER}${MAX_COOKIE_CHUNKS + 1}` }), 'session')).toBeNull();
  });
});

describe('chunksSent', () => {
  it('lists the chunk numbers of this cookie only, sorted, within the bound', () => {
    const cookies = jar({
      session: 'v',
      'session.3': 'c',
      'session.1': 'a',
      'session.17': 'too far',
      'session.0': 'not a chunk',
      'session.01': 'not a chunk',
      'session.x': 'not a chunk',
      'session.1.2': 'not a chunk',
      'sessionX.2': 'another cookie',
      'other.2': 'another cookie',
    });
    expect(chunksSent(cookies, 'session')).toEqual([1, 3]);
    expect(chunksSent(jar({ session: 'v' }), 'session')).toEqual([]);
  });
});

describe('splitCookieValue', () => {
  it('cuts so that every header (name, =, value, attributes) is exactly within the limit, and joins back', () => {
    const value = 'abcdefghij'.repeat(100) + '.-_';
    const tail = '; HttpOnly; Path=/; SameSite=Lax'.length;
    const chunks = splitCookieValue('session', value, tail, 200)!;
    expect(chunks.join('')).toBe(value);
    chunks.forEach((chunk, i) => {
      const size = `${chunkCookieName('session', i + 1)}=${chunk}`.length + tail;
      expect(size).toBeLessThanOrEqual(200);
      if (i < chunks.length - 1) expect(size).toBe(200);
    });
  });

  it('leaves room for the longer name of chunk 10 and up', () => {
    const chunks = splitCookieValue('s', 'x'.repeat(1000), 0, 100)!;
    expect(chunks[8]).toHaveLength(100 - 's.9='.length);
    expect(chunks[9]).toHaveLength(100 - 's.10='.length);
    expect(chunks.join('')).toBe('x'.repeat(1000));
  });

  it('gives null when more than MAX_COOKIE_CHUNKS would be needed or no value fits', () => {
    const room = 100 - 's.10='.length;
    expect(splitCookieValue('s', 'x'.repeat(room * MAX_COOKIE_CHUNKS), 0, 100)).toHaveLength(MAX_COOKIE_CHUNKS);
    expect(splitCookieValue('s', 'x'.repeat(room * MAX_COOKIE_CHUNKS + 200), 0, 100)).toBeNull();
    expect(splitCookieValue('session', 'xy', 90, 100)).toBeNull();
  });

  it('refuses a value that would need quoting or has multi-byte characters', () => {
    expect(splitCookieValue('s', 'a b', 0, 100)).toBeNull();
    expect(splitCookieValue('s', 'a"b', 0, 100)).toBeNull();
    expect(splitCookieValue('s', 'é', 0, 100)).toBeNull();
  });
});
