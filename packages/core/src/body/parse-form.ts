import type { IncomingMessage } from 'node:http';
import type { BodyLimits } from './body-limits.js';
import { parseContentType, type ParsedContentType } from './content-type.js';
import { parseMultipart } from './parse-multipart.js';
import { parseUrlencoded } from './parse-urlencoded.js';
import { emptyForm, type ParsedForm } from './parsed-form.js';

/**
 * Parse a form body: `application/x-www-form-urlencoded` or `multipart/form-data`,
 * streaming, with `limits` enforced as bytes arrive. Any other content type gives
 * empty dicts and leaves the body unread (Flask behaviour). `source` is the
 * request itself, or the Buffer from an earlier `readBody`. `parsed` is
 * `contentType` already parsed, when the caller has it.
 */
export function parseForm(
  source: IncomingMessage | Buffer,
  contentType: string | undefined,
  limits: BodyLimits,
  parsed: ParsedContentType = parseContentType(contentType),
): Promise<ParsedForm> {
  const { mimetype } = parsed;
  if (mimetype === 'application/x-www-form-urlencoded') return parseUrlencoded(source, limits);
  if (mimetype === 'multipart/form-data' && contentType !== undefined) return parseMultipart(source, contentType, limits);
  return Promise.resolve(emptyForm());
}

export type { BodyLimits } from './body-limits.js';
export type { ParsedForm } from './parsed-form.js';
