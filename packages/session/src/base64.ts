/**
 * URL-safe base64 without padding, as itsdangerous and JOSE write it.
 * Decoding is strict: only the URL-safe alphabet, no padding, no length or
 * trailing bits that no encoder produces. (itsdangerous silently drops stray characters;
 * nothing Flask writes contains any, so rejecting them loses no real cookie.)
 */
import { Buffer } from 'node:buffer';

const URL_SAFE = /^[A-Za-z0-9_-]*$/;

export function base64urlEncode(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64url');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The decoded bytes, or `null` when `text` is not canonical unpadded URL-safe
 * base64. Canonical: the unused low bits of the last character are zero, so
 * each byte string has exactly one accepted encoding (no malleable tokens).
 */
export function base64urlDecode(text: string): Buffer | null {
  const rest = text.length % 4;
  if (rest === 1 || !URL_SAFE.test(text)) return null;
  if (rest !== 0) {
    const last = ALPHABET.indexOf(text[text.length - 1]!);
    if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) return null;
  }
  return Buffer.from(text, 'base64url');
}
