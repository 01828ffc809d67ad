/// <reference path="./pako-zlib.d.ts" />
/**
 * zlib deflate exactly as CPython's zlib (1.2.x) writes it, for itsdangerous'
 * "compress when it saves more than one byte" rule.
 *
 * Node bundles Chromium's zlib fork, whose matches differ, so we use pako's
 * port of zlib 1.2. `pako.deflate()` allocates ~256 KiB of window and hash
 * tables per call (about 40 µs for a 20-byte session); we keep one stream and
 * `deflateReset` it instead, which zlib defines to give the same output as a
 * new stream. Synchronous, so the single stream is never shared mid-call.
 */
import ZStream from 'pako/lib/zlib/zstream.js';
import zlib from 'pako/lib/zlib/deflate.js';

// zlib.h constants; Python's zlib.compress(data) uses level 6, 32 KiB window, memLevel 8.
const Z_OK = 0;
const Z_STREAM_END = 1;
const Z_FINISH = 4;
const Z_DEFLATED = 8;
const Z_DEFAULT_STRATEGY = 0;
const LEVEL = 6;
const WINDOW_BITS = 15;
const MEM_LEVEL = 8;

let stream: ZStream | undefined;

/**
 * `zlib.compress(input)` when its result is at most `maxLength` bytes, else
 * null. Stopping at `maxLength` changes no byte of the result (deflate's
 * output does not depend on the room it is given) and skips compressing
 * payloads that would not be used.
 */
export function deflateAtMost(input: Uint8Array, maxLength: number): Uint8Array | null {
  if (maxLength <= 0) return null;
  let s = stream;
  if (s === undefined) {
    s = new ZStream();
    check(zlib.deflateInit2(s, LEVEL, Z_DEFLATED, WINDOW_BITS, MEM_LEVEL, Z_DEFAULT_STRATEGY), s);
    stream = s;
  } else {
    reset(s);
  }
  const out = new Uint8Array(maxLength);
  s.input = input;
  s.next_in = 0;
  s.avail_in = input.length;
  s.output = out;
  s.next_out = 0;
  s.avail_out = maxLength;
  const status = zlib.deflate(s, Z_FINISH);
  const length = s.next_out;
  // Do not keep the caller's buffers alive through the shared stream.
  s.input = null;
  s.output = null;
  return status === Z_STREAM_END ? out.subarray(0, length) : null;
}

const NO_ENTRIES = new Uint16Array(0);

/**
 * `deflateReset`, minus its cost: pako clears the 64 KiB hash table with a
 * JS loop (~60 µs); we hand it an empty table and clear the real one with a
 * native fill. Nothing else in the reset reads the table.
 */
function reset(s: ZStream): void {
  const state = s.state!;
  const head = state.head;
  state.head = NO_ENTRIES;
  try {
    check(zlib.deflateReset(s), s);
  } finally {
    state.head = head;
  }
  head.fill(0);
}

function check(status: number, s: ZStream): void {
  if (status !== Z_OK) {
    stream = undefined;
    throw new Error(`zlib deflate failed to initialise: ${s.msg || status}`);
  }
}
