/**
 * Parse a `Content-Type` (or any "value; key=value" header) the way Werkzeug's
 * `parse_options_header` does: lower-cased mimetype and parameter names, quoted
 * values unquoted, RFC 2231 `key*=utf-8''…` values decoded, invalid parts skipped.
 */

export interface ParsedContentType {
  /** Lower-cased, without parameters: `multipart/form-data`. Empty when absent. */
  mimetype: string;
  /** Lower-cased parameter names: `{ boundary: '…', charset: 'utf-8' }`. */
  params: Record<string, string>;
}

const KEY_RE = /^([\w!#$%&'*+\-.^`|~]+)=/;
const TOKEN_RE = /^[\w!#$%&'*+\-.^`|~]+/;
const CHARSET_VALUE_RE = /^([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)$/;
// Werkzeug's safe list; anything else leaves the value as sent.
const SAFE_CHARSETS = new Set(['ascii', 'us-ascii', 'utf-8', 'iso-8859-1']);

export function parseContentType(header: string | undefined): ParsedContentType {
  if (header === undefined) return { mimetype: '', params: {} };
  const semi = header.indexOf(';');
  const mimetype = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  if (semi === -1) return { mimetype, params };

  let rest = header.slice(semi + 1).trimStart();
  while (rest.length > 0) {
    const key = KEY_RE.exec(rest);
    if (key) {
      rest = rest.slice(key[0].length);
      const raw = readValue(rest);
      if (raw !== undefined) {
        rest = rest.slice(raw.length);
        addParam(params, key[1]!.toLowerCase(), raw);
      }
    }
    const next = rest.indexOf(';');
    if (next === -1) break;
    rest = rest.slice(next + 1).trimStart();
  }
  return { mimetype, params };
}

/** The raw token or quoted string at the start of `rest`, quotes included. */
function readValue(rest: string): string | undefined {
  const token = TOKEN_RE.exec(rest);
  if (token) return token[0];
  if (rest[0] !== '"') return undefined;
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\' && (rest[i + 1] === '\\' || rest[i + 1] === '"')) i++;
    else if (c === '"') return rest.slice(0, i + 1);
  }
  return undefined; // unterminated quote: skipped, as Werkzeug does
}

function addParam(params: Record<string, string>, key: string, raw: string): void {
  let value = raw;
  if (key.endsWith('*')) {
    key = key.slice(0, -1);
    const m = CHARSET_VALUE_RE.exec(value);
    const charset = (m?.[1] ?? '').toLowerCase();
    if (m && SAFE_CHARSETS.has(charset)) {
      value = decodePercent(m[2]!, charset === 'utf-8' ? 'utf8' : 'latin1');
    }
  }
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    // HTTP uses backslash escapes, HTML's multipart encoding uses %22: accept both.
    value = value.slice(1, -1).replace(/\\\\/g, '\\').replace(/\\"/g, '"').replace(/%22/g, '"');
  }
  params[key] = value; // a repeated key: the last one wins, as in Werkzeug
}

function decodePercent(value: string, encoding: BufferEncoding): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString(encoding);
}
