/**
 * URL-safe base64 without padding, as itsdangerous and JOSE write it.
 * Decoding is strict: only the URL-safe alphabet, no padding, and no length
 * that no encoder produces. (itsdangerous silently drops stray characters;
 * nothing Flask writes contains any, so rejecting them loses no real cookie.)
 */
import { Buffer } from 'node:buffer';

const URL_SAFE = /^[A-Za-z0-9_-]*$/;

export function base64urlEncode(data: Uint8Array | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString('base64url');
}

/** The decoded bytes, or `null` when `text` is not unpadded URL-safe base64. */
export function base64urlDecode(text: string): Buffer | null {
  if (text.length % 4 === 1 || !URL_SAFE.test(text)) return null;
  return Buffer.from(text, 'base64url');
}
