/**
 * The error family of @micro/session, modelled on itsdangerous:
 * `BadData` → `BadSignature` → `BadTimeSignature` → `SignatureExpired`, and
 * `BadData` → `BadPayload`. Decoding a cookie throws only these, whatever the
 * input, so callers can treat any `BadData` as "no valid session".
 */

/** Something about a signed or encrypted value is wrong. Base of every decoding error. */
export class BadData extends Error {
  /** Stable machine-readable code, e.g. `MICRO_SESSION_BAD_SIGNATURE`. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = 'MICRO_SESSION_' + new.target.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  }
}

/** The signature (or the JWE authentication tag) does not match, or the value is malformed. */
export class BadSignature extends BadData {
  /** The part that was signed, as received; untrusted. */
  readonly payload: string | undefined;

  constructor(message: string, payload?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.payload = payload;
  }
}

/** The timestamp is missing or malformed, or the signature over it is wrong. */
export class BadTimeSignature extends BadSignature {
  /** When the value claims to have been signed, if that could be read. */
  readonly dateSigned: Date | undefined;

  constructor(message: string, payload?: string, dateSigned?: Date, options?: { cause?: unknown }) {
    super(message, payload, options);
    this.dateSigned = dateSigned;
  }
}

/** The signature is valid but older than the allowed age, or dated in the future. */
export class SignatureExpired extends BadTimeSignature {}

/** The signature is valid but the payload cannot be decoded (base64, zlib, JSON or tags). */
export class BadPayload extends BadData {}

/**
 * A session value cannot be stored: a function, symbol, cycle, non-finite
 * number, class instance… `path` names where it is, e.g. `cart.items[2]`.
 */
export class SessionSerializationError extends TypeError {
  readonly code = 'MICRO_SESSION_UNSERIALIZABLE';
  readonly path: string;

  constructor(path: string, reason: string) {
    const where = path ? ` "${path}"` : '';
    super(`Cannot store session value${where}: ${reason}. Store only JSON data, Tuple, Uint8Array, Markup, UUID and Date.`);
    this.name = 'SessionSerializationError';
    this.path = path;
  }
}

/** Thrown by every write to a `NullSession` (no secret key configured). */
export class SessionUnavailableError extends Error {
  readonly code = 'MICRO_SESSION_UNAVAILABLE';

  constructor() {
    super(
      'The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.',
    );
    this.name = 'SessionUnavailableError';
  }
}
