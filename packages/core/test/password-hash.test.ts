/**
 * generatePasswordHash / checkPasswordHash against Werkzeug 3.1's
 * werkzeug.security. The fixtures were written by the real Werkzeug:
 * - werkzeug-password-hashes.json (make_password_hashes.py): hashes Werkzeug
 *   made, Flask's tutorial users, and hashes Werkzeug does not verify;
 * - micro-password-hashes.json (make_micro_password_hashes.py): hashes micro
 *   made that Werkzeug's check_password_hash accepted.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPasswordHash, generatePasswordHash, type PasswordHashOptions } from '@micro/core';

interface Fixture {
  method: string;
  saltLength: number;
  password: string;
  hash: string;
}
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const werkzeug = fixture('werkzeug-password-hashes.json') as {
  werkzeug: string;
  hashes: Fixture[];
  flaskr: { password: string; hash: string }[];
  rejected: { hash: string; password: string; werkzeug: false | string }[];
};
const micro = fixture('micro-password-hashes.json') as {
  werkzeug: string;
  node: string;
  hashes: { options: PasswordHashOptions; password: string; hash: string }[];
};

const SALT = '[A-Za-z0-9]';
const short = (text: string) => JSON.stringify(text.length > 24 ? text.slice(0, 24) + '…' : text);

describe(`hashes made by Werkzeug ${werkzeug.werkzeug}`, () => {
  for (const { method, password, hash } of werkzeug.hashes) {
    it.concurrent(`${method}, password ${short(password)}: verifies, and a wrong password does not`, async () => {
      expect(await checkPasswordHash(hash, password)).toBe(true);
      expect(await checkPasswordHash(hash, password + 'x')).toBe(false);
    });
  }

  it.concurrent("Flask's tutorial users (flaskr tests/data.sql) log in with their passwords", async () => {
    const [test, other] = werkzeug.flaskr;
    expect(await checkPasswordHash(test!.hash, 'test')).toBe(true);
    expect(await checkPasswordHash(other!.hash, 'other')).toBe(true);
    expect(await checkPasswordHash(test!.hash, 'other')).toBe(false);
    expect(await checkPasswordHash(other!.hash, 'test')).toBe(false);
  });

  for (const { hash, password, werkzeug: outcome } of werkzeug.rejected) {
    it.concurrent(`${short(hash)} is false, never an error (Werkzeug: ${outcome === false ? 'false' : outcome})`, async () => {
      expect(await checkPasswordHash(hash, password)).toBe(false);
    });
  }
});

describe(`micro's hashes that Werkzeug ${micro.werkzeug} accepted (made on Node ${micro.node})`, () => {
  for (const { options, password, hash } of micro.hashes) {
    it.concurrent(`${options.method ?? 'scrypt'}, password ${short(password)}: still verifies`, async () => {
      expect(await checkPasswordHash(hash, password)).toBe(true);
      expect(await checkPasswordHash(hash, password + 'x')).toBe(false);
    });
  }
});

describe('generatePasswordHash', () => {
  // The defaults cost about 0.2 s a hash by design, so they get one password each.
  const slow = ['pässwörd ✓'];
  const roundTrips: [PasswordHashOptions, RegExp, string[]?][] = [
    [{}, new RegExp(`^scrypt:32768:8:1\\$${SALT}{16}\\$[0-9a-f]{128}$`), slow],
    [{ method: 'scrypt' }, new RegExp(`^scrypt:32768:8:1\\$${SALT}{16}\\$[0-9a-f]{128}$`), slow],
    [{ method: 'pbkdf2' }, new RegExp(`^pbkdf2:sha256:1000000\\$${SALT}{16}\\$[0-9a-f]{64}$`), slow],
    [{ method: 'scrypt:1024:8:2' }, new RegExp(`^scrypt:1024:8:2\\$${SALT}{16}\\$[0-9a-f]{128}$`)],
    [{ method: 'pbkdf2:sha256:1000' }, new RegExp(`^pbkdf2:sha256:1000\\$${SALT}{16}\\$[0-9a-f]{64}$`)],
    [{ method: 'pbkdf2:sha512:1000' }, new RegExp(`^pbkdf2:sha512:1000\\$${SALT}{16}\\$[0-9a-f]{128}$`)],
    [{ method: 'pbkdf2:sha1:1000', saltLength: 8 }, new RegExp(`^pbkdf2:sha1:1000\\$${SALT}{8}\\$[0-9a-f]{40}$`)],
    [{ method: 'pbkdf2:sha3_256:1000' }, new RegExp(`^pbkdf2:sha3_256:1000\\$${SALT}{16}\\$[0-9a-f]{64}$`)],
    [{ method: 'pbkdf2:blake2b:1000' }, new RegExp(`^pbkdf2:blake2b:1000\\$${SALT}{16}\\$[0-9a-f]{128}$`)],
    // Werkzeug writes the parameters as it parsed them.
    [{ method: 'pbkdf2:sha256:1_000' }, new RegExp(`^pbkdf2:sha256:1000\\$${SALT}{16}\\$[0-9a-f]{64}$`)],
    [{ method: 'scrypt:+1024: 8:01' }, new RegExp(`^scrypt:1024:8:1\\$${SALT}{16}\\$[0-9a-f]{128}$`)],
    [{ method: 'pbkdf2:sha256:1000', saltLength: 40 }, new RegExp(`^pbkdf2:sha256:1000\\$${SALT}{40}\\$[0-9a-f]{64}$`)],
  ];
  for (const [options, format, passwords = ['test', 'pässwörd ✓', '']] of roundTrips) {
    it.concurrent(`${JSON.stringify(options)} writes Werkzeug's format and verifies`, async () => {
      for (const password of passwords) {
        const hash = await generatePasswordHash(password, options);
        expect(hash).toMatch(format);
        expect(await checkPasswordHash(hash, password)).toBe(true);
        expect(await checkPasswordHash(hash, password + ' ')).toBe(false);
      }
    });
  }

  it('draws a new salt every time', async () => {
    const hashes = await Promise.all(Array.from({ length: 20 }, () => generatePasswordHash('same', { method: 'pbkdf2:sha256:1' })));
    expect(new Set(hashes.map((h) => h.split('$')[1])).size).toBe(20);
  });

  it("draws salt characters uniformly from Werkzeug's 62 (no modulo bias)", async () => {
    // 62,000 draws: about 1,000 of each (standard deviation about 31). Taking a
    // random byte modulo 62 would give the first 8 characters 5/256 instead of
    // 4/256, about 1,210 each.
    const hash = await generatePasswordHash('x', { method: 'pbkdf2:sha256:1', saltLength: 62_000 });
    const counts = new Map<string, number>();
    for (const c of hash.split('$')[1]!) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'].sort().join(''));
    for (const [c, n] of counts) expect([c, Math.abs(n - 1000) < 160]).toEqual([c, true]);
  });

  it('hashes on the thread pool: the event loop keeps turning during a default scrypt', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      expect(await generatePasswordHash('test')).toMatch(/^scrypt:32768:8:1\$/);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(1);
  });

  const refused: [unknown, PasswordHashOptions][] = [
    ['test', { method: 'sha256' }],
    ['test', { method: 'md5' }],
    ['test', { method: 'plain' }],
    ['test', { method: '' }],
    ['test', { method: 'SCRYPT' }],
    ['test', { method: 'scrypt:1000:8:1' }],
    ['test', { method: 'scrypt:1:8:1' }],
    ['test', { method: 'scrypt:32768:8' }],
    ['test', { method: 'scrypt:32768:8:1:1' }],
    ['test', { method: 'scrypt:32768:0:1' }],
    ['test', { method: 'scrypt:16777216:8:1' }],
    ['test', { method: 'scrypt:2:1:1' }],
    ['test', { method: 'pbkdf2:nosuchhash' }],
    ['test', { method: 'pbkdf2:RSA-SHA256:1000' }],
    ['test', { method: 'pbkdf2:shake_128:1000' }],
    ['test', { method: 'pbkdf2:sha256:0' }],
    ['test', { method: 'pbkdf2:sha256:1e3' }],
    ['test', { method: 'pbkdf2:sha256:2147483648' }],
    ['test', { method: 'pbkdf2:sha256:1000:1' }],
    ['test', { saltLength: 0 }],
    ['test', { saltLength: -1 }],
    ['test', { saltLength: 1.5 }],
    ['test', { saltLength: Number.NaN }],
    [undefined, {}],
    [Buffer.from('test'), {}],
    ['lone \ud800 surrogate', {}],
  ];
  for (const [password, options] of refused) {
    it(`refuses ${JSON.stringify(options)} for ${typeof password === 'string' ? short(password) : String(password)} with a TypeError`, async () => {
      await expect(generatePasswordHash(password as string, options)).rejects.toThrow(TypeError);
    });
  }

  it('names the problem in its message', async () => {
    await expect(generatePasswordHash('x', { method: 'scrypt:1000:8:1' })).rejects.toThrow(/power of two/);
    await expect(generatePasswordHash('x', { method: 'sha256' })).rejects.toThrow(/invalid hash method 'sha256'/);
    await expect(generatePasswordHash('x', { method: 'pbkdf2:whirl' })).rejects.toThrow(/digest must be a hashlib name/);
  });
});

describe('checkPasswordHash on bad input', () => {
  it('answers false, never throws, for values that are not strings or cannot be encoded', async () => {
    const good = await generatePasswordHash('test', { method: 'pbkdf2:sha256:1' });
    expect(await checkPasswordHash(good, 'test')).toBe(true);
    for (const [pwhash, password] of [
      [undefined, 'test'],
      [null, 'test'],
      [good, undefined],
      [good, Buffer.from('test')],
      [{ toString: () => good }, 'test'],
      [good, 'te\udc00st'],
      [good.replace('$', '$\ud800'), 'test'],
    ] as const) {
      expect(await checkPasswordHash(pwhash as string, password as string)).toBe(false);
    }
  });

  it('a lone surrogate is not read as U+FFFD (which Buffer.from would write)', async () => {
    const hash = await generatePasswordHash('a\ufffdb', { method: 'pbkdf2:sha256:1' });
    expect(await checkPasswordHash(hash, 'a\ufffdb')).toBe(true);
    expect(await checkPasswordHash(hash, 'a\ud800b')).toBe(false);
  });
});
