import { Readable } from 'node:stream';
import { HeaderMap, type HeadersInit } from './header-map.js';
import { jsonify } from './helpers.js';
import { Response, type ResponseBody } from './response.js';

/** A body a handler may return. Plain objects and arrays become JSON. */
export type ResponseValue =
  | Response
  | string
  | Uint8Array
  | Readable
  | AsyncIterable<string | Uint8Array>
  | { [key: string]: unknown }
  | unknown[];

/** Everything a handler may return, as in Flask: a body, or a tuple with status and/or headers. */
export type ResponseReturnValue =
  | ResponseValue
  | readonly [ResponseValue, number]
  | readonly [ResponseValue, number, HeadersInit]
  | readonly [ResponseValue, HeadersInit];

export class InvalidResponseError extends TypeError {}

/**
 * Turn a handler's return value into a Response (Flask's `make_response`).
 * Arrays of length 2 or 3 whose second item is a status code or a headers
 * object are read as Flask's tuples; any other array is JSON.
 */
export function makeResponse(rv: unknown, endpoint?: string): Response {
  if (rv instanceof Response) return rv;
  if (typeof rv === 'string') return new Response(rv);
  if (Array.isArray(rv) && isTuple(rv)) return fromTuple(rv, endpoint);
  return fromBody(rv, endpoint);
}

function fromBody(rv: unknown, endpoint: string | undefined): Response {
  if (rv instanceof Response) return rv;
  if (typeof rv === 'string' || rv instanceof Uint8Array) return new Response(rv);
  if (rv === undefined || rv === null) {
    throw new InvalidResponseError(
      `The view function${endpoint ? ` for '${endpoint}'` : ''} did not return a valid response. ` +
        'The function either returned undefined/null or ended without a return statement.',
    );
  }
  if (rv instanceof Readable || isAsyncIterable(rv)) return new Response(rv as ResponseBody);
  if (typeof rv === 'object') return jsonify(rv);
  throw new InvalidResponseError(
    `The view function${endpoint ? ` for '${endpoint}'` : ''} did not return a valid response. ` +
      `The return type must be a string, object, array, Buffer, stream, tuple or Response, but it was a ${typeof rv}.`,
  );
}

function fromTuple(rv: readonly unknown[], endpoint: string | undefined): Response {
  const [body, second, third] = rv;
  let status: number | undefined;
  let headers: HeadersInit | undefined;
  if (typeof second === 'number') {
    status = second;
    headers = third as HeadersInit | undefined;
  } else {
    headers = second as HeadersInit;
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    // Headers go to the constructor, so a given Content-Type is set once, not default-then-replaced.
    return new Response(body, { status, headers });
  }
  const response = fromBody(body, endpoint);
  if (status !== undefined) response.status = status;
  if (headers) response.headers.extend(headers);
  return response;
}

function isTuple(rv: unknown[]): boolean {
  if (rv.length !== 2 && rv.length !== 3) return false;
  const [body, second, third] = rv;
  if (typeof second === 'number') {
    if (!Number.isInteger(second) || second < 100 || second > 599) return false;
    return typeof body !== 'number' && (rv.length === 2 || isHeaders(third));
  }
  // [body, headers]: only when the body is clearly a body, so `[{a: 1}, {b: 2}]` stays JSON.
  return rv.length === 2 && (typeof body === 'string' || body instanceof Response || body instanceof Uint8Array) && isHeaders(second);
}

function isHeaders(value: unknown): boolean {
  if (value instanceof HeaderMap) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every((pair) => Array.isArray(pair) && pair.length === 2);
  return Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number' || Array.isArray(v));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}
