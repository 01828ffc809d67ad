import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';

/** Turns one stored value into bytes and back. Stores encode each top-level key separately. */
export interface Serializer {
  /** Short name, for docs and log lines. */
  readonly name: string;
  encode(value: unknown): string | Buffer;
  decode(raw: string | Buffer): unknown;
}

/** Plain JSON (the default): Dates become strings, `undefined` values are dropped. */
export const jsonSerializer: Serializer = {
  name: 'json',
  encode(value) {
    // JSON.stringify(undefined) is undefined, which no backend can store.
    return JSON.stringify(value === undefined ? null : value);
  },
  decode(raw) {
    return JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  },
};

/** MessagePack: smaller than JSON and keeps binary data (Uint8Array) intact. */
export const msgpackSerializer: Serializer = {
  name: 'msgpack',
  encode(value) {
    const bytes = msgpackEncode(value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  decode(raw) {
    // Stores that only keep text hand back what toText() produced.
    return msgpackDecode(typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw);
  },
};

/** For backends that keep text only: binary encodings travel as base64. */
export function toText(raw: string | Buffer): string {
  return typeof raw === 'string' ? raw : raw.toString('base64');
}

/** For backends that keep bytes: text encodings travel as UTF-8. */
export function toBytes(raw: string | Buffer): Buffer {
  return typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
}
