/**
 * A Python `uuid.UUID` on the JS side, so that tagged JSON (` u`) keeps UUIDs
 * apart from strings across a round trip. Stored as 32 lower-case hex digits.
 */
import { randomUUID } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/;

export class UUID {
  /** 32 lower-case hex digits, no hyphens (Python's `UUID.hex`). */
  readonly hex: string;

  /** Accepts what Python's `UUID(str)` accepts: hyphens, braces and `urn:uuid:` are optional. */
  constructor(value: string) {
    const hex = value.trim().replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1').replaceAll('-', '').toLowerCase();
    if (!HEX32.test(hex)) throw new TypeError(`Not a UUID: ${JSON.stringify(value)}`);
    this.hex = hex;
  }

  /** A new random (version 4) UUID. */
  static random(): UUID {
    return new UUID(randomUUID());
  }

  equals(other: unknown): boolean {
    return other instanceof UUID && other.hex === this.hex;
  }

  /** The canonical form, `12345678-1234-5678-1234-567812345678`. */
  toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
