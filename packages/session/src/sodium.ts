/**
 * libsodium through `sodium-native`, loaded only when an app asks for XC20P
 * (`SESSION_ENCRYPTION = 'XC20P'`). It is an optional peer dependency: apps
 * that keep the default AES-256-GCM never load a native module.
 */
import { createRequire } from 'node:module';

/** The part of sodium-native the XC20P cipher uses (detached XChaCha20-Poly1305-IETF). */
export interface SodiumAead {
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
    c: Uint8Array, mac: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array,
  ): number;
  /** Throws when the tag does not verify. */
  crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
    m: Uint8Array, nsec: null, c: Uint8Array, mac: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array,
  ): void;
}

let loaded: { sodium: SodiumAead } | { error: unknown } | undefined;

/** sodium-native, or null when it is not installed (or has no build for this platform). */
export function loadSodium(): SodiumAead | null {
  if (loaded === undefined) {
    try {
      loaded = { sodium: createRequire(import.meta.url)('sodium-native') as SodiumAead };
    } catch (error) {
      loaded = { error };
    }
  }
  return 'sodium' in loaded ? loaded.sodium : null;
}

/** sodium-native, or an error that says what to install. */
export function requireSodium(): SodiumAead {
  const sodium = loadSodium();
  if (sodium !== null) return sodium;
  throw new Error(
    "SESSION_ENCRYPTION 'XC20P' needs the optional package sodium-native (npm install sodium-native); " +
      "or keep the default 'A256GCM', which needs nothing.",
    { cause: loaded !== undefined && 'error' in loaded ? loaded.error : undefined },
  );
}
