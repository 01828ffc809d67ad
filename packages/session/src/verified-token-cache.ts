/**
 * A bounded memory of tokens that already passed authentication, so a browser
 * that sends the same encrypted cookie on every request is decrypted once.
 *
 * - Only what authenticated goes in: a forged or tampered token is never a hit.
 * - Keyed by SHA-256 of the token, not the token: a lookup compares digests, so
 *   its timing says nothing about a valid token an attacker does not hold.
 * - The caller re-checks the token's age on every hit; the cache only saves the
 *   decryption. One cache belongs to one key set, so a key change empties it.
 * - When full, the oldest entry goes (insertion order), so memory stays at
 *   `size` entries of at most one cookie each.
 */
import * as crypto from 'node:crypto';

// crypto.hash (Node ≥ 20.12) is one call; createHash builds a Hash object first.
const digest: (token: string) => string =
  typeof crypto.hash === 'function'
    ? (token) => crypto.hash('sha256', token, 'base64')
    : (token) => crypto.createHash('sha256').update(token).digest('base64');

export class VerifiedTokenCache<V> {
  private readonly entries = new Map<string, V>();

  /** `size` entries at most; 0 turns the cache off. */
  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`The token cache size must be a whole number ≥ 0, not ${size}`);
  }

  /** The key `get` and `set` take: compute once per token. */
  keyOf(token: string): string | null {
    return this.size === 0 ? null : digest(token);
  }

  get(key: string | null): V | undefined {
    return key === null ? undefined : this.entries.get(key);
  }

  set(key: string | null, value: V): void {
    if (key === null) return;
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }

  /** How many tokens are remembered now. */
  get length(): number {
    return this.entries.size;
  }
}
