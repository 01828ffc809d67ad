/**
 * URL-safe base64 without padding, as itsdangerous and JOSE write it.
 * Decoding is strict: only the URL-safe alphabet, no padding, no length or
 * trailing bits that no encoder produces. (itsdangerous silently drops stray characters;
 * nothing Flask writes contains any, so rejecting them loses no real cookie.)
 */
import { Buffer } from 'node:buffer';

export function base64urlEncode(data: Uint8Array | string): string {
  if (typeof data === 'string') return Buffer.from(data, 'utf8').toString('base64url');
  if (Buffer.isBuffer(data)) return data.toString('base64url');
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Character code -> 6-bit value, -1 for anything outside the URL-safe alphabet.
const DECODE = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * The decoded bytes, or `null` when `text` is not canonical unpadded URL-safe
 * base64. Canonical: the unused low bits of the last character are zero, so
 * each byte string has exactly one accepted encoding (no malleable tokens).
 *
 * Decoded here rather than by `Buffer.from(text, 'base64url')`, which accepts
 * anything and costs more than this loop for cookie-sized strings: a session
 * request decodes three of them.
 */
export function base64urlDecode(text: string): Buffer | null {
  const n = text.length;
  const rest = n & 3;
  if (rest === 1) return null;
  const out = Buffer.allocUnsafe((n * 3) >> 2);
  const full = n - rest;
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const v = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    if (v < 0) return null;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rest === 2) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    if ((a | b) < 0 || (b & 0x0f) !== 0) return null;
    out[o] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, full);
    const b = sextet(text, full + 1);
    const c = sextet(text, full + 2);
    if ((a | b | c) < 0 || (c & 0x03) !== 0) return null;
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 0x0f) << 4) | (c >> 2);
  }
  return out;
}

/** The 6-bit value of the character at `i`; -1 (making any OR of sextets negative) for a bad one. */
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  // -1 << 18 etc. stays negative, so one sign test per group catches any bad character.
  return code < 256 ? DECODE[code]! : -1;
}
