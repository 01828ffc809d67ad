import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import etagOf from 'etag';
import { currentRequestContext, type RequestContext } from '../context.js';
import { HTTPException, NotFound } from '../errors.js';
import { closeBody } from '../response.js';
import { Response, withCharset, type ResponseBody } from '../response.js';
import { evaluate, type Outcome } from './conditional.js';
import { contentDisposition } from './content-disposition.js';
import { CHUNK_SIZE, FileBody } from './file-body.js';
import { guessType } from './guess-type.js';
import { openFile, openInside, type OpenFile } from './open-file.js';
import { RequestedRangeNotSatisfiable } from './range-not-satisfiable.js';
import { safeJoin } from './safe-join.js';

/** What `sendFile` sends: a path (trusted: never one a client chose), or the data itself. */
export type SendFileSource = string | URL | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>;

export interface SendFileOptions {
  /** The Content-Type. Default: guessed from `downloadName` or the file's name (`application/octet-stream` when unknown). */
  mimetype?: string;
  /** Ask the browser to save the file (`Content-Disposition: attachment`) instead of showing it. Default: `false`. */
  asAttachment?: boolean;
  /** The name the browser saves the file as. Default: the file's own name; needed for data with `asAttachment`. */
  downloadName?: string;
  /** Answer If-None-Match / If-Modified-Since with 304, If-Match with 412 and Range with 206 or 416. Default: `true`. */
  conditional?: boolean;
  /** `true` makes an ETag from the file's size and mtime (paths only), a string is used as the ETag, `false` sends none. Default: `true`. */
  etag?: boolean | string;
  /** Last-Modified, as a Date or seconds since the epoch (as Werkzeug). Default: the file's mtime (paths only). */
  lastModified?: Date | number | null;
  /**
   * Seconds a client may cache the file: `Cache-Control: public, max-age=N`
   * and Expires; without one, `no-cache` (revalidate with the ETag each
   * time). A function gets the file's path (null for data). Default: the
   * app's SEND_FILE_MAX_AGE_DEFAULT (`null`).
   */
  maxAge?: number | null | ((path: string | null) => number | null);
}

/** Files up to this size are read whole and sent in one write; larger ones are streamed in chunks of this size. */
const READ_WHOLE_MAX = CHUNK_SIZE;

/**
 * Send a file (Flask's `send_file`, with Werkzeug 3.1's semantics): its type
 * guessed from its name, `Content-Disposition` with the name (RFC 5987
 * `filename*` for non-ASCII names), Last-Modified and a strong ETag,
 * `Cache-Control`, and answers to conditional and range requests (304,
 * 206, 412, 416). A relative path starts at the app's `rootPath`.
 *
 * The file is opened before the response is built: a file that does not
 * exist, or cannot be read, is a 404 (Flask: 500 from `send_file`), never a
 * broken response. Never pass a path a client chose: use
 * `sendFromDirectory` for those.
 *
 * Data instead of a path: a Uint8Array is sent whole or ranged; a stream is
 * sent as it comes (no Content-Length, no ranges). Either needs `mimetype`
 * or `downloadName`.
 */
export async function sendFile(source: SendFileSource, options: SendFileOptions = {}): Promise<Response> {
  const ctx = currentRequestContext();
  if (typeof source === 'string' || source instanceof URL) {
    const path = resolve(ctx.app.rootPath, typeof source === 'string' ? source : fileURLToPath(source));
    return sendPath(ctx, await openFile(path), path, options);
  }
  return sendData(ctx, source, options);
}

/**
 * Send `path` from inside `directory` (Flask's `send_from_directory`), the
 * safe way to serve a path that came from a client: `..`, absolute paths,
 * backslashes, NUL bytes and symlinks that lead out of the folder are a 404,
 * as is anything that is not a regular file. `directory` (trusted) may be
 * relative to the app's `rootPath`.
 */
export async function sendFromDirectory(directory: string, path: string, options: SendFileOptions = {}): Promise<Response> {
  const ctx = currentRequestContext();
  const folder = resolve(ctx.app.rootPath, directory);
  const joined = safeJoin(folder, path);
  if (joined === null) throw new NotFound();
  return sendPath(ctx, await openInside(folder, joined), joined, options);
}

async function sendPath(ctx: RequestContext, file: OpenFile, shownPath: string, options: SendFileOptions): Promise<Response> {
  try {
    return await fileResponse(ctx, file.handle, shownPath, file.stats, options);
  } catch (err) {
    // fileResponse hands the handle to the body or closes it; on failure it is still ours.
    file.handle.close().catch(() => {});
    throw err;
  }
}

async function fileResponse(ctx: RequestContext, handle: FileHandle, path: string, stats: Stats, options: SendFileOptions): Promise<Response> {
  const size = stats.size;
  const headers = describe(ctx, options, {
    path,
    downloadName: options.downloadName ?? basename(path),
    size,
    lastModified: stats.mtime,
    etag: options.etag === false ? null : typeof options.etag === 'string' ? quoteEtag(options.etag) : etagOf(stats, { weak: false }),
  });
  const outcome = conditionalOutcome(ctx, options, headers, size);
  if (outcome.status !== 200 && outcome.status !== 206) {
    handle.close().catch(() => {});
    return finish(outcome, headers, null, size);
  }
  const start = outcome.status === 206 ? outcome.start : 0;
  const length = outcome.status === 206 ? outcome.end - start + 1 : size;
  let body: ResponseBody;
  if (ctx.request.method === 'HEAD') {
    handle.close().catch(() => {});
    body = null;
  } else if (length <= READ_WHOLE_MAX) {
    body = await readWhole(handle, start, length, path);
  } else {
    body = new FileBody(handle, start, length, path);
  }
  return finish(outcome, headers, body, size);
}

function sendData(ctx: RequestContext, source: Exclude<SendFileSource, string | URL>, options: SendFileOptions): Response {
  try {
    return dataResponse(ctx, source, options);
  } catch (err) {
    // No response will carry the stream: release it (a file it reads, a generator's resources).
    if (!(source instanceof Uint8Array)) closeBody(source as AsyncIterable<unknown>);
    throw err;
  }
}

function dataResponse(ctx: RequestContext, source: Exclude<SendFileSource, string | URL>, options: SendFileOptions): Response {
  if (options.asAttachment && options.downloadName === undefined) {
    throw new TypeError("No name provided for attachment. Either set 'downloadName' or pass a path instead of data.");
  }
  const bytes = source instanceof Uint8Array ? source : null;
  const size = bytes === null ? null : bytes.byteLength;
  const headers = describe(ctx, options, {
    path: null,
    downloadName: options.downloadName ?? null,
    size,
    lastModified: null,
    etag: typeof options.etag === 'string' ? quoteEtag(options.etag) : null,
  });
  const outcome = conditionalOutcome(ctx, options, headers, size);
  if (outcome.status !== 200 && outcome.status !== 206) {
    // A stream stays the body: the writer closes it without reading (a 304 has no body).
    return finish(outcome, headers, bytes === null ? (source as ResponseBody) : null, size);
  }
  if (bytes !== null && outcome.status === 206) return finish(outcome, headers, bytes.subarray(outcome.start, outcome.end + 1), size);
  return finish(outcome, headers, source as ResponseBody, size);
}

interface FileFacts {
  path: string | null;
  downloadName: string | null;
  size: number | null;
  lastModified: Date | null;
  etag: string | null;
}

/** The headers of the whole file, in the order Werkzeug writes them. */
function describe(ctx: RequestContext, options: SendFileOptions, facts: FileFacts): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const { downloadName } = facts;
  let mimetype = options.mimetype;
  if (mimetype === undefined) {
    if (downloadName === null) {
      throw new TypeError(
        "Unable to detect the MIME type because a file name is not available. Either set 'downloadName', pass a path instead of data, or set 'mimetype'.",
      );
    }
    const guessed = guessType(downloadName);
    mimetype = guessed.mimetype ?? 'application/octet-stream';
    // Not for attachments: browsers would save a .tar.gz decompressed (Werkzeug 2.0.2).
    if (guessed.encoding !== null && !options.asAttachment) headers.push(['Content-Encoding', guessed.encoding]);
  }
  if (downloadName !== null) headers.push(['Content-Disposition', contentDisposition(options.asAttachment ? 'attachment' : 'inline', downloadName)]);
  headers.push(['Content-Type', withCharset(mimetype)]);
  if (facts.size !== null) headers.push(['Content-Length', String(facts.size)]);
  const lastModified = options.lastModified ?? facts.lastModified;
  if (lastModified !== null) headers.push(['Last-Modified', httpDate(lastModified)]);
  const maxAgeOption = options.maxAge ?? ctx.app.config.SEND_FILE_MAX_AGE_DEFAULT;
  const maxAge = typeof maxAgeOption === 'function' ? maxAgeOption(facts.path) : maxAgeOption;
  if (maxAge === null || maxAge === undefined) {
    headers.push(['Cache-Control', 'no-cache']);
  } else {
    const seconds = Math.floor(maxAge);
    headers.push(['Cache-Control', seconds > 0 ? `public, max-age=${seconds}` : `no-cache, max-age=${seconds}`]);
    headers.push(['Expires', httpDate(new Date((Math.floor(Date.now() / 1000) + seconds) * 1000))]);
  }
  if (facts.etag !== null) headers.push(['ETag', facts.etag]);
  // Werkzeug's make_conditional, which says so, runs for GET and HEAD only.
  if (options.conditional !== false && isConditionalMethod(ctx.request.method)) headers.push(['Accept-Ranges', 'bytes']);
  return headers;
}

/** Conditional and range handling applies to GET and HEAD, as in Werkzeug's `make_conditional`. */
function conditionalOutcome(ctx: RequestContext, options: SendFileOptions, headers: Array<[string, string]>, size: number | null): Outcome {
  if (options.conditional === false || !isConditionalMethod(ctx.request.method)) return { status: 200 };
  return evaluate(ctx.request.raw.headers, {
    etag: valueOf(headers, 'ETag'),
    lastModified: valueOf(headers, 'Last-Modified'),
    size,
  });
}

function isConditionalMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Headers a 304 leaves out (they describe a body it does not have); Werkzeug also drops Expires, which RFC 9110 §15.4.5 keeps. */
const NOT_IN_304 = new Set(['Content-Encoding', 'Content-Type', 'Content-Length', 'Last-Modified']);

function finish(outcome: Outcome, headers: Array<[string, string]>, body: ResponseBody, size: number | null): Response {
  switch (outcome.status) {
    case 412:
      throw new HTTPException(412);
    case 416:
      throw new RequestedRangeNotSatisfiable(size);
    case 304: {
      const response = new Response(body, { status: 304, headers: headers.filter(([name]) => !NOT_IN_304.has(name)) });
      response.headers.delete('Content-Type');
      return response;
    }
    case 206: {
      const response = new Response(body, { status: 206, headers });
      response.headers.set('Content-Length', String(outcome.end - outcome.start + 1));
      response.headers.set('Content-Range', `bytes ${outcome.start}-${outcome.end}/${size}`);
      return response;
    }
    default:
      return new Response(body, { status: 200, headers });
  }
}

/** Read `length` bytes at `start` in one go (small files): one write to the socket, no stream. */
async function readWhole(handle: FileHandle, start: number, length: number, path: string): Promise<Buffer> {
  try {
    const buffer = Buffer.allocUnsafeSlow(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
      if (bytesRead === 0) throw new Error(`${path} ended after ${filled} of ${length} bytes: it was truncated while it was being read`);
      filled += bytesRead;
    }
    return buffer;
  } finally {
    // Not awaited: the response need not wait for the close (as a piped file stream's does not).
    handle.close().catch(() => {});
  }
}

function valueOf(headers: Array<[string, string]>, name: string): string | null {
  for (const [n, v] of headers) if (n === name) return v;
  return null;
}

/** Werkzeug's `quote_etag`: a strong tag in quotes; a quote inside cannot be sent. */
function quoteEtag(etag: string): string {
  if (etag.includes('"')) throw new TypeError(`Invalid ETag ${JSON.stringify(etag)}: it must not contain a double quote`);
  return `"${etag}"`;
}

/** RFC 9110's IMF-fixdate; a number is seconds since the epoch, as Werkzeug takes it. */
function httpDate(value: Date | number): string {
  return (typeof value === 'number' ? new Date(value * 1000) : value).toUTCString();
}
