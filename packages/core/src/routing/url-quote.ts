/**
 * Percent-encoding as Werkzeug does it when building URLs: UTF-8, with the
 * WHATWG path-segment safe set kept readable (so `/` and `@` stay as is).
 */

// Characters outside Python's always-safe set plus "!$&'()*+,/:;=@".
const PATH_UNSAFE = /[^A-Za-z0-9_.\-~!$&'()*+,/:;=@]/;
// encodeURIComponent escapes these, but the path safe set keeps them.
const PATH_RESTORE = /%(?:24|26|2B|2C|2F|3A|3B|3D|40)/g;

// Query values: Python's urlencode(quote_plus, safe="!$'()*,/:;?@").
const QUERY_UNSAFE = /[^A-Za-z0-9_.\-~!$'()*,/:;?@]/;
const QUERY_RESTORE = /%(?:24|2C|2F|3A|3B|3F|40|20)/g;

const DECODED: Record<string, string> = {
  '%24': '$', '%26': '&', '%2B': '+', '%2C': ',', '%2F': '/', '%3A': ':',
  '%3B': ';', '%3D': '=', '%40': '@', '%3F': '?', '%20': '+',
};

/** Encode text for a URL path, keeping `/` and the other path-safe characters. */
export function quotePath(text: string): string {
  if (!PATH_UNSAFE.test(text)) return text;
  return encodeURIComponent(text).replace(PATH_RESTORE, (m) => DECODED[m]!);
}

/** Encode a query-string key or value; a space becomes `+`. */
export function quoteQuery(text: string): string {
  if (!QUERY_UNSAFE.test(text)) return text;
  return encodeURIComponent(text).replace(QUERY_RESTORE, (m) => DECODED[m]!);
}

/** `a=1&b=2`; arrays (and other iterables but strings) repeat their key; null and undefined are left out. */
export function encodeQuery(entries: Iterable<readonly [string, unknown]>): string {
  let out = '';
  for (const [key, value] of entries) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && Symbol.iterator in value) {
      for (const item of value as Iterable<unknown>) {
        if (item === null || item === undefined) continue;
        out += (out ? '&' : '') + quoteQuery(key) + '=' + quoteQuery(String(item));
      }
    } else {
      out += (out ? '&' : '') + quoteQuery(key) + '=' + quoteQuery(String(value));
    }
  }
  return out;
}
