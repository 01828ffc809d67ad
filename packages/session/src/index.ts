// @micro/session: Flask-compatible sessions for micro. This file only re-exports.
import './session-config.js';

export { sessions, registerSessionType, sessionTypes, type SessionsOptions, type SessionInterfaceFactory } from './sessions.js';
export { DEFAULT_SESSION_TYPE, type SessionType } from './session-config.js';
export type { SessionHealth } from './session-health.js';
export { session } from './session-proxy.js';
export { Session, PERMANENT_KEY, type SessionOptions } from './session.js';
export { CREATED_KEY } from './absolute-lifetime.js';
export { NullSession } from './null-session.js';
export { USER_BINDING_KEY, userBindingOf, type UserBinding, type BindUserDetails, type SessionValidAfter } from './user-binding.js';
export {
  SessionInterface,
  type SameSite,
  type SessionCookieAttributes,
  type SignerSpec,
} from './session-interface.js';
export { CookieSessionInterface, type SessionCookieCodec } from './cookie-session-interface.js';
export { SessionCookieTooLarge } from './session-cookie-size.js';
export { CHUNK_MARKER, MAX_COOKIE_CHUNKS, chunkCookieName, readChunkedCookie } from './cookie-chunks.js';
export { SecureCookieSessionInterface } from './secure-cookie-session-interface.js';
export { EncryptedCookieSessionInterface } from './encrypted-cookie-session-interface.js';
export { KeySetCache } from './key-set-cache.js';
export { flash, getFlashedMessages, getFlashedMessagesForTemplate, FLASHES_KEY, type FlashMessage, type FlashedMessage, type GetFlashedMessagesOptions } from './flash.js';
export {
  BadData,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
  BadPayload,
  SessionSerializationError,
  SessionUnavailableError,
} from './errors.js';
export {
  SessionCookieSerializer,
  dumpsSessionCookie,
  loadsSessionCookie,
  type SessionCookieSerializerOptions,
  type SessionDict,
  type LoadedSession,
} from './cookie-serializer.js';
export { Signer, TimestampSigner, nowSeconds, encodeTimestamp, decodeTimestamp, type SignerOptions, type UnsignOptions, type Unsigned } from './signer.js';
export { URLSafeTimedSerializer, type URLSafeTimedSerializerOptions, type TextSerializer, type Loaded } from './url-safe-timed-serializer.js';
export { deriveKey, type KeyDerivation, type SecretKey } from './derived-keys.js';
export { JweCookieCodec, DEFAULT_DECRYPT_CACHE_SIZE, deriveEncryptionKey, type JweCookieCodecOptions, type EncryptionKey } from './jwe.js';
export { JWE_ENCRYPTIONS, type JweEncryption } from './content-cipher.js';
export { TaggedJSON, dumps as taggedDumps, loads as taggedLoads, type TaggedJSONOptions } from './tagged-json.js';
export { Tuple, tuple } from './tuple.js';
export { UUID } from './uuid.js';
export * from './server-side/index.js';
// Telemetry (docs/telemetry.md): lifecycle signals for audit logs, OpenTelemetry spans and metrics.
export {
  SessionSignal,
  sessionCreated,
  sessionRegenerated,
  sessionDestroyed,
  sessionRevoked,
  emitSessionEvent,
  type SessionEvent,
  type SessionEventName,
  type SessionEventReceiver,
  type SessionEventDetail,
} from './session-events.js';
export { sessionIdHash } from './session-id-hash.js';
export { recordRevocation, type RevocationDetail } from './record-revocation.js';
export { traceStore } from './stores/traced-store.js';
export { recordConflictMerged, INSTRUMENTATION_NAME, type SessionOutcome } from './telemetry/session-telemetry.js';
