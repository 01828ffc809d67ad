/**
 * A cheap lower bound on the length of any zlib stream of `input` (node:zlib's
 * `deflateSync` included), so the cookie serializer can skip deflate for
 * payloads that cannot come out short enough to be used. Most sessions are
 * short and never compress; `deflateSync` costs 10 to 25 µs even for 20 bytes,
 * the bound about 0.1 µs.
 *
 * The bound holds for inputs without a repeated 3-byte sequence: deflate's
 * matches are at least 3 bytes long (MIN_MATCH), so such inputs are coded as
 * literals only, and then
 * - a fixed-Huffman block costs 3 header bits, 8 or 9 bits per literal and a
 *   7-bit end-of-block code;
 * - a dynamic block costs at least 14 + 4 × 3 header bits, and its prefix code
 *   cannot beat the entropy of the symbol counts (Kraft's inequality);
 * - a stored block is longer than the input.
 * zlib adds a 2-byte header and a 4-byte Adler-32. Inputs that repeat
 * themselves get 0 (no bound): deflate must run.
 */
const MAX_INPUT = 4096; // one deflate block at most; beyond this a bound would gain nothing
const counts = new Uint16Array(256);
// An open-addressing set of trigrams, cleared by bumping a generation number
// instead of zeroing (a Set cost more than the rest of the bound).
const TABLE_BITS = 13; // 8192 slots: at most half full for MAX_INPUT
const slots = new Int32Array(1 << TABLE_BITS);
const slotGeneration = new Uint32Array(1 << TABLE_BITS);
let generation = 0;
// log2 of every count that can occur, so the entropy sum needs no Math.log2 per symbol.
const LOG2 = new Float64Array(MAX_INPUT + 2);
for (let i = 1; i < LOG2.length; i++) LOG2[i] = Math.log2(i);

/** Add `t`; false when it was already there. */
function addTrigram(t: number): boolean {
  let i = Math.imul(t, 0x9e3779b1) >>> (32 - TABLE_BITS);
  for (;;) {
    if (slotGeneration[i] !== generation) {
      slotGeneration[i] = generation;
      slots[i] = t;
      return true;
    }
    if (slots[i] === t) return false;
    i = (i + 1) & ((1 << TABLE_BITS) - 1);
  }
}

export function zlibLowerBound(input: Uint8Array): number {
  const n = input.length;
  if (n < 3 || n > MAX_INPUT) return 0;
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    slotGeneration.fill(0);
    generation = 1;
  }
  for (let i = 0; i + 2 < n; i++) {
    if (!addTrigram((input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!)) return 0;
  }
  let fixedBits = 3 + 7;
  for (let i = 0; i < n; i++) {
    const b = input[i]!;
    counts[b]!++;
    fixedBits += b < 144 ? 8 : 9;
  }
  const total = n + 1; // the literals and one end-of-block symbol
  const logTotal = LOG2[total]!;
  // Σ c·log2(total / c) over the byte values, plus the end-of-block symbol (count 1).
  let entropyBits = logTotal;
  for (let i = 0; i < n; i++) {
    const c = counts[input[i]!]!;
    if (c === 0) continue; // this byte value was already counted
    entropyBits += c * (logTotal - LOG2[c]!);
    counts[input[i]!] = 0;
  }
  // Round down a hair so floating-point error can never push the bound up.
  const dynamicBits = 3 + 14 + 12 + Math.ceil(entropyBits - 1e-6);
  const bits = Math.min(fixedBits, dynamicBits);
  return 2 + Math.ceil(bits / 8) + 4;
}
