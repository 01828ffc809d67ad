/**
 * HMAC-SHA1 (RFC 2104 over FIPS 180-4's SHA-1) in plain JavaScript, for the
 * short strings session cookies sign.
 *
 * Why not `createHmac`: on Node 20 (OpenSSL 3) every `createHmac` call fetches
 * the digest and builds a stream object, about 5 µs, for a hash whose work is
 * two 64-byte blocks. Here the key's two padded blocks are hashed once per key,
 * so a MAC costs two block compressions plus the message: about 3× faster,
 * which makes it the largest single saving on a session request (see
 * docs/benchmarks.md). `@noble/hashes` was measured too: its cloned HMAC is no
 * faster than `createHmac` for these sizes. The code has no secret-dependent
 * branches or table lookups; it is checked against node:crypto on random
 * keys and messages (test/hmac-sha1.test.ts).
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

const BLOCK = 64;
const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0] as const;

// Scratch shared by every instance: JavaScript runs one MAC at a time.
const W = new Int32Array(80);
const H = new Int32Array(5);
let scratch = Buffer.allocUnsafe(4096);

/** One SHA-1 block compression of W[0..15] into `state`. */
function compress(state: Int32Array): void {
  const w = W;
  for (let t = 16; t < 80; t++) {
    const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let t = 0;
  for (; t < 20; t++) {
    const n = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + w[t]! + 0x5a827999) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 40; t++) {
    const n = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! + 0x6ed9eba1) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 60; t++) {
    const n = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + w[t]! + 0x8f1bbcdc) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  for (; t < 80; t++) {
    const n = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + w[t]! + 0xca62c1d6) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = n;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

function loadBlock(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const p = offset + i * 4;
    W[i] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
  }
}

/** The SHA-1 state after one padded key block (key XOR `pad`). */
function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(BLOCK).fill(pad);
  for (let i = 0; i < key.length; i++) block[i]! ^= key[i]!;
  const state = Int32Array.from(IV);
  loadBlock(block, 0);
  compress(state);
  return state;
}

const MAX_KEPT_SCRATCH = 1 << 20;

function ensureScratch(size: number): Buffer {
  if (scratch.length >= size) return scratch;
  // Keep a larger buffer for next time, but never hold on to a huge one.
  if (size > MAX_KEPT_SCRATCH) return Buffer.allocUnsafe(size);
  return (scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2)));
}

export class HmacSha1 {
  private readonly innerState: Int32Array;
  private readonly outerState: Int32Array;

  constructor(key: Uint8Array) {
    // RFC 2104: a key longer than the block is hashed first.
    const k = key.length > BLOCK ? createHash('sha1').update(key).digest() : key;
    this.innerState = padState(k, 0x36);
    this.outerState = padState(k, 0x5c);
  }

  /** The MAC of `text`'s UTF-8 bytes. */
  digestString(text: string): Buffer {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; 72 more for SHA-1's padding.
    const buf = ensureScratch(text.length * 3 + 72);
    return this.finish(buf, buf.write(text, 0, 'utf8'));
  }

  /** The MAC of `bytes`. */
  digest(bytes: Uint8Array): Buffer {
    const buf = ensureScratch(bytes.length + 72);
    buf.set(bytes, 0);
    return this.finish(buf, bytes.length);
  }

  /** Hashes the `n` message bytes at the start of `buf` (which has room for the padding). */
  private finish(buf: Buffer, n: number): Buffer {
    H.set(this.innerState);
    // Padding: 0x80, zeros, then the bit length of key block + message, big-endian.
    const padded = (((n + 8) >> 6) + 1) << 6;
    buf[n] = 0x80;
    buf.fill(0, n + 1, padded - 8);
    const bits = (BLOCK + n) * 8;
    buf.writeUInt32BE(Math.floor(bits / 0x1_0000_0000), padded - 8);
    buf.writeUInt32BE(bits >>> 0, padded - 4);
    for (let off = 0; off < padded; off += BLOCK) {
      loadBlock(buf, off);
      compress(H);
    }
    return this.outer();
  }

  /** The outer hash over the inner digest in H: the MAC. */
  private outer(): Buffer {
    const i0 = H[0]!;
    const i1 = H[1]!;
    const i2 = H[2]!;
    const i3 = H[3]!;
    const i4 = H[4]!;
    H.set(this.outerState);
    W[0] = i0;
    W[1] = i1;
    W[2] = i2;
    W[3] = i3;
    W[4] = i4;
    W[5] = 0x80000000;
    W.fill(0, 6, 15);
    W[15] = (BLOCK + 20) * 8;
    compress(H);
    const out = Buffer.allocUnsafe(20);
    for (let i = 0; i < 5; i++) out.writeInt32BE(H[i]!, i * 4);
    return out;
  }
}
