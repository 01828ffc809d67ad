// Types for the two pako 2.1 internals zlib-deflate.ts uses (CommonJS, exported
// by pako's package.json under ./lib/zlib/*); @types/pako covers only the wrapper API.
declare module 'pako/lib/zlib/zstream.js' {
  /** zlib's z_stream. */
  class ZStream {
    input: Uint8Array | null;
    next_in: number;
    avail_in: number;
    output: Uint8Array | null;
    next_out: number;
    avail_out: number;
    msg: string;
    /** deflate's internal state; `head` is the hash table lm_init clears. */
    state: { head: Uint16Array } | null;
  }
  export default ZStream;
}

declare module 'pako/lib/zlib/deflate.js' {
  import type ZStream from 'pako/lib/zlib/zstream.js';
  const deflate: {
    deflateInit2(strm: ZStream, level: number, method: number, windowBits: number, memLevel: number, strategy: number): number;
    deflateReset(strm: ZStream): number;
    deflate(strm: ZStream, flush: number): number;
  };
  export default deflate;
}
