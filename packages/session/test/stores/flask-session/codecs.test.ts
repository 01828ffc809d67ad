/**
 * The Flask-Session record codecs against what real Flask-Session 0.8 wrote:
 * every fixture decodes to what Flask itself read back, and micro encodes the
 * same data to the same bytes (msgpack blobs and cachelib files alike).
 */
import { describe, expect, it } from 'vitest';
import { decodeSessionBlob, encodeSessionBlob } from '../../../src/stores/flask-session/session-blob.js';
import { cachelibFileName, decodeCachelibFile, encodeCachelibFile, sessionOf } from '../../../src/stores/flask-session/cachelib-file.js';
import { dumpPickle, loadPickle, PickleError } from '../../../src/stores/flask-session/pickle.js';
import { Tuple, tuple } from '../../../src/tuple.js';
import { flaskWritten, microWritten, rawOf, tag, untag } from './fixtures.js';

const blobs = flaskWritten.records.filter((r) => r.backend !== 'filesystem');
const files = flaskWritten.records.filter((r) => r.backend === 'filesystem');

describe('msgpack blobs (Redis, memcached, SQL)', () => {
  it.each(blobs.map((r) => [`${r.backend} ${r.case}`, r] as const))('decodes %s to what Flask read back', (_, record) => {
    const data = decodeSessionBlob(rawOf(record));
    expect(tag(data)).toEqual(record.flask_reads_back);
    // Types, not just JSON shapes: bytes are Uint8Array, datetimes Date.
    expect(data).toEqual(untag(record.flask_reads_back));
  });

  it.each(blobs.map((r) => [`${r.backend} ${r.case}`, r] as const))('encodes %s to the bytes Flask-Session wrote', (_, record) => {
    expect(encodeSessionBlob(untag(record.flask_reads_back) as Record<string, unknown>).toString('base64')).toBe(record.value);
  });

  it('reads the JSON form (SESSION_SERIALIZATION_FORMAT json) too', () => {
    expect(decodeSessionBlob(Buffer.from('{"_permanent":true,"user_id":1}'))).toEqual({ _permanent: true, user_id: 1 });
  });

  it.each([
    ['a pickle (Flask-Session < 0.7)', Buffer.from('80049508000000000000007d948c0161944b01732e', 'hex')],
    ['a msgpack array', Buffer.from('920102', 'hex')],
    ['truncated msgpack', rawOf(blobs[0]!).subarray(0, 20)],
    ['msgpack with trailing bytes', Buffer.concat([rawOf(blobs[0]!), Buffer.from([0])])],
    ['empty', Buffer.alloc(0)],
  ])('treats %s as no session', (_, raw) => {
    expect(decodeSessionBlob(raw)).toBeNull();
  });

  it('keeps a __proto__ key from JSON as a key, never as the prototype', () => {
    const data = decodeSessionBlob(Buffer.from('{"__proto__":{"admin":true}}'))!;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('cachelib session files (filesystem)', () => {
  const plain = files.find((r) => r.case === 'login')!;
  const withDatetime = files.find((r) => r.case === 'binary')!;

  it('names the file as cachelib does (sha256 of prefix + sid)', () => {
    expect(plain.hash).toBe('sha256');
    expect(cachelibFileName(plain.key, 'sha256')).toBe(plain.file_name);
  });

  it('decodes the header and the pickled dict to what Flask read back', () => {
    const entry = decodeCachelibFile(rawOf(plain));
    expect(entry.expiresAtS).toBe(Math.floor(plain.written_at) + flaskWritten.lifetime_seconds);
    const data = sessionOf(entry)!;
    expect(tag(data)).toEqual(plain.flask_reads_back);
    // Flashes are pickled tuples: micro reads them as Tuples, so writing them back keeps them tuples.
    expect(Tuple.isTuple((data._flashes as unknown[])[0])).toBe(true);
  });

  it('writes the same file Flask-Session wrote, byte for byte', () => {
    const entry = decodeCachelibFile(rawOf(plain));
    expect(encodeCachelibFile(entry.value, entry.expiresAtS).toString('base64')).toBe(plain.value);
  });

  it('refuses a session holding a pickled datetime (GLOBAL/REDUCE) with an error naming the opcode', () => {
    expect(() => decodeCachelibFile(rawOf(withDatetime))).toThrow(PickleError);
    expect(() => decodeCachelibFile(rawOf(withDatetime))).toThrow(/STACK_GLOBAL is not read/);
  });
});

describe('the pickle subset', () => {
  // Made with CPython 3.11: pickle.dumps(value, 5).hex()
  const cpython: Array<[string, unknown, string]> = [
    ['an empty dict', {}, '80057d942e'],
    ['a dict with one int', { a: 1 }, '8005950a000000000000007d948c0161944b01732e'],
  ];
  it.each(cpython)('writes %s as CPython does', (_, value, hex) => {
    expect(dumpPickle(value).toString('hex')).toBe(hex);
    expect(loadPickle(Buffer.from(hex, 'hex'))).toEqual(value);
  });

  it('round-trips ints of every width, floats, bytes, tuples and nesting', () => {
    const value = {
      ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, 2n ** 64n, -(2n ** 70n)],
      floats: [0.5, -1.25, 1e300],
      text: 'x'.repeat(300),
      bytes: new Uint8Array(300).fill(7),
      t: [tuple(), tuple(1), tuple(1, 2), tuple(1, 2, 3), tuple(1, 2, 3, 4)],
      many: Array.from({ length: 2500 }, (_, i) => i),
      nested: { a: { b: { c: [null, true, false] } } },
    };
    expect(loadPickle(dumpPickle(value))).toEqual(value);
  });

  it.each([
    ['os.system via GLOBAL + REDUCE', '800363706f7369780a73797374656d0a7100580a0000006563686f2070776e656471018571025271032e', /GLOBAL is not read/],
    ['a truncated pickle', '80057d948c0161', /truncated/],
    ['bytes after STOP', '80057d942e00', /after STOP/],
    ['a list that contains itself', '80059506000000000000005d946800612e', /contains itself/],
    ['a newer protocol', '80067d2e', /protocol 6/],
  ])('refuses %s', (_, hex, message) => {
    expect(() => loadPickle(Buffer.from(hex, 'hex'))).toThrow(message);
  });

  it('fails every truncation and every single-byte change of a real session file with a PickleError or a value, never anything else', () => {
    const pickle = rawOf(files.find((r) => r.case === 'login')!).subarray(4);
    for (let n = 0; n < pickle.length; n++) expect(() => loadPickle(pickle.subarray(0, n))).toThrow(PickleError);
    for (let i = 0; i < pickle.length; i++) {
      for (const b of [0x00, 0x28, 0x2e, 0x63, 0x68, 0x94, 0xff]) {
        const changed = Buffer.from(pickle);
        changed[i] = b;
        try {
          loadPickle(changed);
        } catch (err) {
          expect(err).toBeInstanceOf(PickleError);
        }
      }
    }
  });

  it('refuses a Date on write with a how-to', () => {
    expect(() => dumpPickle({ when: new Date(0) })).toThrow(/toISOString/);
  });
});

describe('records micro wrote, read in place by real Flask-Session', () => {
  it.each(microWritten.records.map((r) => [r.backend, r] as const))('%s: Flask read what micro meant, and micro still writes those bytes', (backend, record) => {
    expect(record.verified_by_flask).toBe(true);
    expect(record.flask_read).toEqual(record.micro_wrote);
    const raw = Buffer.from(record.value, 'base64');
    if (backend === 'filesystem') {
      const entry = decodeCachelibFile(raw);
      expect(tag(entry.value)).toEqual(record.micro_wrote);
      expect(encodeCachelibFile(entry.value, entry.expiresAtS).equals(raw)).toBe(true);
    } else {
      expect(tag(decodeSessionBlob(raw))).toEqual(record.micro_wrote);
      expect(encodeSessionBlob(untag(record.micro_wrote) as Record<string, unknown>).equals(raw)).toBe(true);
    }
  });
});
