/**
 * itsdangerous' `URLSafeTimedSerializer`: text serializer → UTF-8 → zlib when
 * that pays (marked by a leading `.`) → base64url → `TimestampSigner`.
 *
 * Compression is `node:zlib` at Python's level (6). Node bundles Chromium's
 * zlib, which picks other (equally valid) matches than the zlib CPython links,
 * so a compressed cookie is not Flask's byte for byte; Flask inflates any
 * valid zlib stream, and uncompressed cookies stay Flask's exact bytes.
 * Inflating enforces an output cap, so a small zlib bomb cannot balloon memory.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { deflateSync, inflateSync } from 'node:zlib';
import { base64urlDecode, base64urlEncode } from './base64.js';
import { BadPayload, BadSignature } from './errors.js';
import { zlibLowerBound } from './zlib-lower-bound.js';
import { TimestampSigner, type SignerOptions, type UnsignOptions } from './signer.js';

/** Turns a value into text and back (itsdangerous' `serializer`). Default: `JSON`. */
export interface TextSerializer {
  dumps(value: unknown): string;
  loads(text: string): unknown;
}

export interface URLSafeTimedSerializerOptions extends Omit<SignerOptions, 'sep'> {
  /** Default: plain `JSON`. */
  serializer?: TextSerializer;
  /** Largest payload accepted after decompression, in bytes; guards against zlib bombs. Default 1 MiB. */
  maxDecompressedSize?: number;
  /** Longest signed string accepted before any work is done, in characters. Default 64 KiB. */
  maxLength?: number;
}

export interface Loaded {
  value: unknown;
  /** When it was signed, whole Unix seconds. */
  timestamp: number;
}

const JSON_SERIALIZER: TextSerializer = { dumps: (v) => JSON.stringify(v), loads: (t) => JSON.parse(t) as unknown };

export class URLSafeTimedSerializer {
  readonly signer: TimestampSigner;
  readonly serializer: TextSerializer;
  readonly maxDecompressedSize: number;
  readonly maxLength: number;

  constructor(options: URLSafeTimedSerializerOptions) {
    this.signer = new TimestampSigner({ ...options, salt: options.salt ?? 'itsdangerous' });
    this.serializer = options.serializer ?? JSON_SERIALIZER;
    this.maxDecompressedSize = options.maxDecompressedSize ?? 1024 * 1024; // 1 MiB
    this.maxLength = options.maxLength ?? 64 * 1024; // 64 KiB
  }

  /** Serialise, maybe compress, sign. `now` is whole Unix seconds. */
  dumps(value: unknown, now?: number): string {
    return this.signer.sign(encodePayload(this.serializer.dumps(value)), now);
  }

  /** Verify and deserialise. Throws only `BadData` subclasses for bad input. */
  loads(signed: string, options?: UnsignOptions): unknown {
    return this.loadsWithTimestamp(signed, options).value;
  }

  loadsWithTimestamp(signed: string, options?: UnsignOptions): Loaded {
    const { text, timestamp } = this.verifyText(signed, options);
    return { value: this.parseText(text), timestamp };
  }

  /** The first half of `loads`: check length and signature (and age), decompress, decode UTF-8. */
  verifyText(signed: string, options?: UnsignOptions): VerifiedText {
    if (typeof signed !== 'string') throw new BadSignature('The signed value is not a string');
    if (signed.length > this.maxLength) throw new BadSignature(`The signed value is longer than ${this.maxLength} characters`);
    const { value: payload, timestamp } = this.signer.unsignWithTimestamp(signed, options);
    return { text: decodePayload(payload, this.maxDecompressedSize), timestamp };
  }

  /** The second half of `loads`: the text serializer's value; its errors become `BadPayload`. */
  parseText(text: string): unknown {
    try {
      return this.serializer.loads(text);
    } catch (err) {
      if (err instanceof BadPayload) throw err;
      throw new BadPayload('Could not load the payload because of an exception', { cause: err });
    }
  }
}

/** A verified payload as text, before the text serializer runs. */
export interface VerifiedText {
  text: string;
  /** When it was signed, whole Unix seconds. */
  timestamp: number;
}

/**
 * How many bytes zlib must save before the compressed form is used.
 * itsdangerous asks for 2, measured with CPython's zlib. On 120 000
 * session-shaped JSON payloads, node:zlib's output was up to 7 bytes shorter
 * than CPython's, so with 2 about 0.2 % of them (64 to 255 bytes) came out
 * compressed where Flask leaves them plain. With 10 none did: a cookie Flask
 * leaves uncompressed stays Flask's exact bytes. The price: 8 % of those
 * payloads, which zlib shortens by only a few bytes, go plain where Flask
 * compresses them; Flask reads either.
 */
const MIN_ZLIB_SAVING = 10;
/** zlib's header, one literal in a fixed block and the Adler-32: no non-empty stream is shorter. */
const MIN_ZLIB_LENGTH = 9;

/** `base64url(json)`, or `.` + `base64url(zlib(json))` when that is at least {@link MIN_ZLIB_SAVING} bytes shorter. */
export function encodePayload(text: string): string {
  const json = Buffer.from(text, 'utf8');
  const limit = json.length - MIN_ZLIB_SAVING;
  // zlibLowerBound proves most short sessions cannot compress, without running deflate.
  if (limit >= MIN_ZLIB_LENGTH && zlibLowerBound(json) <= limit) {
    const compressed = deflateSync(json);
    if (compressed.length <= limit) return '.' + base64urlEncode(compressed);
  }
  return base64urlEncode(json);
}

/** The payload's text; throws `BadPayload` for bad base64, a bad or oversized zlib stream, or invalid UTF-8. */
export function decodePayload(payload: string, maxDecompressedSize: number): string {
  const compressed = payload.startsWith('.');
  let bytes = base64urlDecode(compressed ? payload.slice(1) : payload);
  if (bytes === null) throw new BadPayload('Could not base64 decode the payload');
  if (compressed) {
    try {
      bytes = inflateSync(bytes, { maxOutputLength: maxDecompressedSize });
    } catch (err) {
      throw new BadPayload('Could not zlib decompress the payload (corrupt, or larger than allowed)', { cause: err });
    }
  }
  if (!isUtf8(bytes)) throw new BadPayload('The payload is not valid UTF-8');
  return bytes.toString('utf8');
}
