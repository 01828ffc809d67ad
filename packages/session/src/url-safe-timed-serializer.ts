/**
 * itsdangerous' `URLSafeTimedSerializer`: text serializer → UTF-8 → zlib when
 * that saves more than one byte (marked by a leading `.`) → base64url →
 * `TimestampSigner`.
 *
 * Compression is zlib 1.2 (pako's port, see zlib-deflate.ts) at Python's
 * defaults, so compressed cookies are Flask's byte for byte. Inflating stays
 * on `node:zlib`, which enforces the output size cap.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { inflateSync } from 'node:zlib';
import { base64urlDecode, base64urlEncode } from './base64.js';
import { BadPayload, BadSignature } from './errors.js';
import { deflateAtMost } from './zlib-deflate.js';
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
    if (typeof signed !== 'string') throw new BadSignature('The signed value is not a string');
    if (signed.length > this.maxLength) throw new BadSignature(`The signed value is longer than ${this.maxLength} characters`);
    const { value: payload, timestamp } = this.signer.unsignWithTimestamp(signed, options);
    const text = decodePayload(payload, this.maxDecompressedSize);
    let value: unknown;
    try {
      value = this.serializer.loads(text);
    } catch (err) {
      if (err instanceof BadPayload) throw err;
      throw new BadPayload('Could not load the payload because of an exception', { cause: err });
    }
    return { value, timestamp };
  }
}

/** `base64url(json)`, or `.` + `base64url(zlib(json))` when that is more than one byte shorter. */
export function encodePayload(text: string): string {
  const json = Buffer.from(text, 'utf8');
  // Only a result at least two bytes shorter is used, so deflate stops past that size;
  // a zlib stream is at least 9 bytes, so 10 bytes or fewer never qualify, and
  // zlibLowerBound proves it for most short sessions without running deflate.
  const compressed = json.length > 10 && zlibLowerBound(json) <= json.length - 2 ? deflateAtMost(json, json.length - 2) : null;
  if (compressed !== null) return '.' + base64urlEncode(compressed);
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
