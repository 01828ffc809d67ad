/**
 * Password hashing as Werkzeug 3.1's `werkzeug.security`, so a user table written
 * by a Flask app keeps working: `generatePasswordHash` writes Werkzeug's format
 * (`scrypt:32768:8:1$<salt>$<hex>` by default, `pbkdf2:sha256:1000000$<salt>$<hex>`)
 * and `checkPasswordHash` verifies every hash Werkzeug verifies.
 *
 * Both run node:crypto's `scrypt` / `pbkdf2` on libuv's thread pool, so hashing
 * (a tenth of a second or more, by design) never blocks the event loop.
 */
import { pbkdf2, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** The characters of a generated salt: Werkzeug's `SALT_CHARS`. */
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Werkzeug 3.1's `DEFAULT_PBKDF2_ITERATIONS` (600,000 in 2.3 and 3.0). */
export const DEFAULT_PBKDF2_ITERATIONS = 1_000_000;

const DEFAULT_SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;
/** scrypt's output length in bytes: hashlib.scrypt's default `dklen`. */
const SCRYPT_KEY_LENGTH = 64;
/** CPython's hashlib.scrypt refuses a `maxmem` above C's INT_MAX (2 GiB - 1). */
const MAX_SCRYPT_MEMORY = 2 ** 31 - 1;
/** node:crypto and CPython both take pbkdf2 iterations as a C int. */
const MAX_PBKDF2_ITERATIONS = 2 ** 31 - 1;

export interface PasswordHashOptions {
  /**
   * Key derivation and its parameters, as Werkzeug's `method`: `'scrypt'`,
   * `'scrypt:<n>:<r>:<p>'` (n a power of two), `'pbkdf2'`, `'pbkdf2:<digest>'` or
   * `'pbkdf2:<digest>:<iterations>'` (digest a hashlib name: sha256, sha512, sha1…).
   * Default: `'scrypt'` (n=32768, r=8, p=1); pbkdf2's default is sha256 with
   * 1,000,000 iterations.
   */
  method?: 'scrypt' | 'pbkdf2' | (string & {});
  /** Number of salt characters. Default: 16. */
  saltLength?: number;
}

/**
 * Hash a password for storage, as Werkzeug's `generate_password_hash`; the
 * result is `<method>$<salt>$<hex digest>`. Throws a TypeError for a method
 * Werkzeug would refuse.
 */
export async function generatePasswordHash(password: string, options: PasswordHashOptions = {}): Promise<string> {
  const method = options.method ?? 'scrypt';
  const saltLength = options.saltLength ?? 16;
  if (typeof password !== 'string') throw new TypeError('generatePasswordHash(): the password must be a string');
  if (LONE_SURROGATE.test(password)) {
    throw new TypeError('generatePasswordHash(): the password has a lone UTF-16 surrogate and cannot be encoded as UTF-8');
  }
  if (!Number.isSafeInteger(saltLength) || saltLength < 1) {
    throw new TypeError(`generatePasswordHash(): saltLength must be a positive integer, got ${String(saltLength)}`);
  }
  const kdf = parseMethod(method);
  if (typeof kdf === 'string') throw new TypeError(`generatePasswordHash(): ${kdf}`);
  const salt = generateSalt(saltLength);
  let digest: Buffer;
  try {
    digest = await derive(kdf, password, salt);
  } catch (error) {
    throw new TypeError(`generatePasswordHash(): node:crypto refused method '${method}': ${(error as Error).message}`, { cause: error });
  }
  return `${kdf.canonical}$${salt}$${digest.toString('hex')}`;
}

/**
 * Check a password against a hash from `generatePasswordHash` or Werkzeug's
 * `generate_password_hash`. Resolves to false, never rejects, for a wrong
 * password and for a malformed hash or one Werkzeug would not verify either.
 */
export async function checkPasswordHash(pwhash: string, password: string): Promise<boolean> {
  if (typeof pwhash !== 'string' || typeof password !== 'string') return false;
  // Werkzeug's pwhash.split("$", 2): the salt ends at the second '$', the rest is the hex digest.
  const first = pwhash.indexOf('$');
  const second = first < 0 ? -1 : pwhash.indexOf('$', first + 1);
  if (second < 0) return false;
  const kdf = parseMethod(pwhash.slice(0, first));
  const salt = pwhash.slice(first + 1, second);
  const stored = Buffer.from(pwhash.slice(second + 1), 'utf8');
  // Werkzeug raises on these (UnicodeEncodeError, ValueError); a check answers false.
  if (typeof kdf === 'string' || LONE_SURROGATE.test(password) || LONE_SURROGATE.test(salt)) return false;
  let digest: Buffer;
  try {
    digest = await derive(kdf, password, salt);
  } catch {
    return false;
  }
  // Werkzeug compares the hex text (hmac.compare_digest), so upper-case hex does not verify.
  const computed = Buffer.from(digest.toString('hex'), 'latin1');
  return computed.length === stored.length && timingSafeEqual(computed, stored);
}

type Kdf =
  | { kind: 'scrypt'; n: number; r: number; p: number; canonical: string }
  | { kind: 'pbkdf2'; digest: string; keyLength: number; iterations: number; canonical: string };

/**
 * Werkzeug's `_hash_internal` reading of a method string; the parsed
 * parameters, or why Werkzeug would refuse it.
 */
function parseMethod(method: string): Kdf | string {
  const [name, ...args] = method.split(':');
  if (name === 'scrypt') {
    let n: number = DEFAULT_SCRYPT.n;
    let r: number = DEFAULT_SCRYPT.r;
    let p: number = DEFAULT_SCRYPT.p;
    if (args.length > 0) {
      const ints = args.map(pythonInt);
      if (ints.length !== 3 || ints.some((v) => v === undefined)) return "'scrypt' takes 3 integer arguments: scrypt:<n>:<r>:<p>";
      [n, r, p] = ints as [number, number, number];
    }
    if (n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 30) return `scrypt's n must be a power of two greater than 1, got ${n}`;
    if (r < 1 || p < 1) return `scrypt's r and p must be positive, got r=${r}, p=${p}`;
    if (scryptMaxmem(n, r, p) > MAX_SCRYPT_MEMORY) return `scrypt:${n}:${r}:${p} needs more than 2 GiB of memory`;
    return { kind: 'scrypt', n, r, p, canonical: `scrypt:${n}:${r}:${p}` };
  }
  if (name === 'pbkdf2') {
    if (args.length > 2) return "'pbkdf2' takes 2 arguments: pbkdf2:<digest>:<iterations>";
    const hashName = args[0] ?? 'sha256';
    const iterations = args.length === 2 ? pythonInt(args[1]!) : DEFAULT_PBKDF2_ITERATIONS;
    const digest = nodeDigest(hashName);
    if (digest === undefined) return `pbkdf2's digest must be a hashlib name (sha256, sha512, sha1…), got '${hashName}'`;
    if (iterations === undefined || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      return `pbkdf2's iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}, got '${args[1]}'`;
    }
    return { kind: 'pbkdf2', ...digest, iterations, canonical: `pbkdf2:${hashName}:${iterations}` };
  }
  return `invalid hash method '${name}' (Werkzeug 3 knows 'scrypt' and 'pbkdf2'; plain digests like 'sha256$…' were removed in 3.0)`;
}

function derive(kdf: Kdf, password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) => (error ? reject(error) : resolve(key));
    // node:crypto encodes string inputs as UTF-8, as Werkzeug's str.encode().
    if (kdf.kind === 'scrypt') {
      const { n: N, r, p } = kdf;
      scrypt(password, salt, SCRYPT_KEY_LENGTH, { N, r, p, maxmem: scryptMaxmem(N, r, p) }, done);
    } else {
      pbkdf2(password, salt, kdf.iterations, kdf.keyLength, kdf.digest, done);
    }
  });
}

/**
 * Werkzeug's memory limit for scrypt, `132 * n * r * p` bytes (about 33 MiB for
 * the defaults). OpenSSL needs `128 * r * (n + 2) + 128 * r * p`, just over
 * Node's default 32 MiB for n=32768, r=8; passing Werkzeug's own limit makes
 * OpenSSL accept and refuse exactly the parameters it does under Werkzeug.
 */
function scryptMaxmem(n: number, r: number, p: number): number {
  return 132 * n * r * p;
}

/**
 * pbkdf2 digests as hashlib resolves them: first its own names, exactly as
 * spelled (sha512_256, sha3_256, blake2b, and the aliases SHA512_224/SHA512_256),
 * then any OpenSSL 3 name or OID of a fixed-size digest, in any case. The
 * value is node:crypto's name and the digest size (pbkdf2_hmac's key length).
 * OpenSSL's legacy aliases (RSA-SHA256…), which node:crypto knows but hashlib
 * does not, are refused, so micro never writes a hash Werkzeug cannot read.
 */
const HASHLIB_DIGESTS = new Map<string, string>([
  ['sha512_224', 'sha512-224'], ['SHA512_224', 'sha512-224'],
  ['sha512_256', 'sha512-256'], ['SHA512_256', 'sha512-256'],
  ['sha3_224', 'sha3-224'], ['sha3_256', 'sha3-256'], ['sha3_384', 'sha3-384'], ['sha3_512', 'sha3-512'],
  ['blake2b', 'blake2b512'], ['blake2s', 'blake2s256'],
]);
/** `openssl list -digest-algorithms` (OpenSSL 3, default provider), lower-cased; SHAKE, KMAC and NULL left out. */
const OPENSSL_DIGESTS: ReadonlyArray<[names: string[], bytes: number]> = [
  [['md5', 'ssl3-md5', '1.2.840.113549.2.5'], 16],
  [['sha1', 'sha-1', 'ssl3-sha1', '1.3.14.3.2.26'], 20],
  [['ripemd160', 'ripemd', 'ripemd-160', 'rmd160', '1.3.36.3.2.1'], 20],
  [['md5-sha1'], 36],
  [['sm3', '1.2.156.10197.1.401'], 32],
  [['sha224', 'sha-224', 'sha2-224', '2.16.840.1.101.3.4.2.4'], 28],
  [['sha256', 'sha-256', 'sha2-256', '2.16.840.1.101.3.4.2.1'], 32],
  [['sha384', 'sha-384', 'sha2-384', '2.16.840.1.101.3.4.2.2'], 48],
  [['sha512', 'sha-512', 'sha2-512', '2.16.840.1.101.3.4.2.3'], 64],
  [['sha512-224', 'sha-512/224', 'sha2-512/224', '2.16.840.1.101.3.4.2.5'], 28],
  [['sha512-256', 'sha-512/256', 'sha2-512/256', '2.16.840.1.101.3.4.2.6'], 32],
  [['sha3-224', '2.16.840.1.101.3.4.2.7'], 28],
  [['sha3-256', '2.16.840.1.101.3.4.2.8'], 32],
  [['sha3-384', '2.16.840.1.101.3.4.2.9'], 48],
  [['sha3-512', '2.16.840.1.101.3.4.2.10'], 64],
  [['blake2b512', 'blake2b-512', '1.3.6.1.4.1.1722.12.2.1.16'], 64],
  [['blake2s256', 'blake2s-256', '1.3.6.1.4.1.1722.12.2.2.8'], 32],
];
/** Every OpenSSL name to node:crypto's (the first of its row) and the digest size. */
const DIGESTS = new Map<string, { digest: string; keyLength: number }>(
  OPENSSL_DIGESTS.flatMap(([names, keyLength]) => names.map((name) => [name, { digest: names[0]!, keyLength }] as const)),
);

function nodeDigest(hashName: string): { digest: string; keyLength: number } | undefined {
  return DIGESTS.get(HASHLIB_DIGESTS.get(hashName) ?? hashName.toLowerCase());
}

/** Python's `int(text)` for ASCII digits: surrounding whitespace, a sign and `_` between digits allowed. */
function pythonInt(text: string): number | undefined {
  const match = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]!.replaceAll('_', ''));
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Werkzeug's `gen_salt`: each character drawn uniformly (randomInt rejects biased draws) from SALT_CHARS. */
function generateSalt(length: number): string {
  let salt = '';
  for (let i = 0; i < length; i++) salt += SALT_CHARS[randomInt(SALT_CHARS.length)];
  return salt;
}

/** A UTF-16 surrogate without its pair: Python's str.encode() raises on it, Buffer.from would write U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;
