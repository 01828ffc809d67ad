/** RFC 9110 token characters: a value made of these only is not quoted (Werkzeug's `_token_chars`). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 5987 attr-char, what `filename*` keeps unescaped (Werkzeug quotes with `safe="!#$&+-.^_`|~"`). */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The Content-Disposition header Werkzeug's `send_file` writes, byte for
 * byte: `inline; filename=report.txt`; a name with other than token
 * characters is quoted (`filename="two words.txt"`); a non-ASCII name gets an
 * ASCII fallback (accents dropped after NFKD, as Werkzeug does) and the real
 * name as RFC 5987's `filename*=UTF-8''…`. Checked against Flask by
 * send-file-flask-parity.test.ts.
 */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  if (!NON_ASCII.test(filename)) return `${type}; filename=${quoteHeaderValue(filename)}`;
  // eslint-disable-next-line no-control-regex
  const simple = filename.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  return `${type}; filename=${quoteHeaderValue(simple)}; filename*=UTF-8''${percentEncode(filename)}`;
}

/** Werkzeug's `quote_header_value`: tokens as they are, anything else in quotes with `\` and `"` escaped. */
function quoteHeaderValue(value: string): string {
  if (value === '') return '""';
  if (TOKEN.test(value)) return value;
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Python's `quote(name, safe=ATTR_CHAR)` over the UTF-8 bytes (a lone surrogate becomes U+FFFD). */
function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
