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

const URL_SAFE = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The decoded bytes, or `null` when `text` is not canonical unpadded URL-safe
 * base64. Canonical: the unused low bits of the last character are zero, so
 * each byte string has exactly one accepted encoding (no malleable tokens).
 * node's decoder does the work; it accepts anything, so the checks come first.
 */
export function base64urlDecode(text: string): Buffer | null {
  const rest = text.length & 3;
  if (rest === 1 || !URL_SAFE.test(text)) return null;
  // The last character of 2 (3) leftover ones carries 4 (2) bits that no encoder sets.
  if (rest !== 0 && (ALPHABET.indexOf(text[text.length - 1]!) & (rest === 2 ? 0x0f : 0x03)) !== 0) return null;
  return Buffer.from(text, 'base64url');
}
