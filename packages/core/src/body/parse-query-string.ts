/**
 * Parse `a=1&a=2&b` into ordered pairs exactly as Werkzeug does
 * (`parse_qsl(..., keep_blank_values=True, errors="werkzeug.url_quote")`):
 * only `&` separates, empty segments are skipped, a key without `=` gets `''`,
 * `+` is a space, and escapes that are not valid hex or not valid UTF-8 are
 * kept literally (`%zz` stays `%zz`, a lone `%e9` becomes `%E9`).
 */
export function parseQueryString(query: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const key = eq === -1 ? segment : segment.slice(0, eq);
    const value = eq === -1 ? '' : segment.slice(eq + 1);
    pairs.push([unquotePlus(key), unquotePlus(value)]);
  }
  return pairs;
}

/** Percent-decode with `+` as space; invalid UTF-8 bytes are re-quoted as `%XX`. */
export function unquotePlus(text: string): string {
  return unquote(text.includes('+') ? text.replaceAll('+', ' ') : text);
}

function unquote(text: string): string {
  if (!text.includes('%')) return text;
  let out = '';
  let bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) {
      // Like Python's unquote, non-ASCII text splits byte runs: escapes on either
      // side of it are decoded separately.
      out += decodeUtf8Lenient(bytes);
      bytes = [];
      out += text[i];
    } else if (code === 0x25 /* % */ && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(code);
    }
  }
  return out + decodeUtf8Lenient(bytes);
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Decode UTF-8, writing each byte that is not part of a well-formed sequence as
 * `%XX` (Werkzeug's `url_quote` codec error handler) instead of U+FFFD.
 */
export function decodeUtf8Lenient(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = sequenceLength(bytes, i);
    if (len === 0) {
      out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
      i += 1;
    } else {
      out += Buffer.from(bytes.slice(i, i + len)).toString('utf8');
      i += len;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence starting at `i`, or 0 (RFC 3629 table). */
function sequenceLength(bytes: readonly number[], i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no surrogates
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
