import type { IncomingHttpHeaders } from 'node:http';
import fresh from 'fresh';
import parseRange from 'range-parser';

/** What a file's response is judged by: its validators and size. */
export interface Representation {
  /** The ETag header's value (quoted), or null. */
  etag: string | null;
  /** The Last-Modified header's value, or null. */
  lastModified: string | null;
  /** Bytes in the whole file; null when unknown (a stream): no ranges then. */
  size: number | null;
}

/** How the request's conditions answer: the whole file, a part, or a status without the file. */
export type Outcome =
  | { status: 200 }
  | { status: 206; start: number; end: number }
  | { status: 304 }
  | { status: 412 }
  | { status: 416 };

const WHOLE: Outcome = { status: 200 };

/**
 * Evaluate a GET or HEAD's conditional and range headers against a file, in
 * the order of RFC 9110 §13.2.2: If-Match (412), then If-None-Match or
 * If-Modified-Since (304), then Range with If-Range (206, 416).
 *
 * Where Werkzeug's `make_conditional` differs, micro follows the RFC: a
 * range request whose If-None-Match matches is a 304 (Werkzeug: 206), a
 * `Range` in a unit other than bytes is ignored (RFC 9110 §14.2 "MUST
 * ignore"; Werkzeug: 416), `If-Match: *` matches (Werkzeug: 412) and a weak
 * ETag in If-Range never matches (RFC 9110 §13.1.5). As in Werkzeug, a
 * request for several ranges, a malformed Range and a range past the end are
 * answered 416; the size of an empty file is never ranged.
 */
export function evaluate(headers: IncomingHttpHeaders, file: Representation): Outcome {
  const { etag, lastModified, size } = file;
  const ifMatch = header(headers, 'if-match');
  if (etag !== null && ifMatch !== undefined && !matchesStrongly(ifMatch, etag)) return { status: 412 };
  if (isNotModified(headers, etag, lastModified)) return { status: 304 };

  const range = headers.range;
  if (range === undefined || size === null || size === 0) return WHOLE;
  const ifRange = header(headers, 'if-range');
  if (ifRange !== undefined && !ifRangeHolds(ifRange, etag, lastModified)) return WHOLE;
  const ranges = parseRange(size, range);
  if (ranges === -1 || ranges === -2) return { status: 416 };
  if (ranges.type.trim().toLowerCase() !== 'bytes') return WHOLE;
  if (ranges.length !== 1) return { status: 416 };
  return { status: 206, start: ranges[0]!.start, end: ranges[0]!.end };
}

/**
 * The 304 test, with `fresh` (the jshttp package Express uses) asked the
 * way Werkzeug's `is_resource_modified` decides: If-None-Match against the
 * ETag when there is one (weak comparison, RFC 9110 §13.1.2), else
 * If-Modified-Since against Last-Modified. The request's own
 * `Cache-Control: no-cache`, which `fresh` would honour, is not passed: a
 * conditional request is answered by its validators, as in Werkzeug.
 */
function isNotModified(headers: IncomingHttpHeaders, etag: string | null, lastModified: string | null): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined && etag !== null) return fresh({ 'if-none-match': noneMatch }, { etag });
  const modifiedSince = headers['if-modified-since'];
  if (modifiedSince !== undefined && lastModified !== null) {
    return fresh({ 'if-modified-since': modifiedSince }, { 'last-modified': lastModified });
  }
  return false;
}

/** If-Range: an entity tag must match strongly; a date holds when the file is not newer (as Werkzeug). */
function ifRangeHolds(ifRange: string, etag: string | null, lastModified: string | null): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return etag !== null && isStrong(etag) && value === etag;
  return lastModified !== null && fresh({ 'if-modified-since': value }, { 'last-modified': lastModified });
}

/** An entity-tag list (`"a", W/"b"`) or `*`; a quoted tag may hold commas, so tags are matched, not split. */
const ENTITY_TAG = /(?:W\/)?"[^"]*"/g;

/** If-Match's strong comparison (RFC 9110 §13.1.1): `*`, or the same strong tag. */
function matchesStrongly(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  if (!isStrong(etag)) return false;
  const tags: string[] = list.match(ENTITY_TAG) ?? [];
  return tags.includes(etag);
}

/** A header node may give as a list when repeated; repeats join with commas (RFC 9110 §5.3). */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function isStrong(etag: string): boolean {
  return !etag.startsWith('W/');
}
