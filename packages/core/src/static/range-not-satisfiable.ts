import { HTTPException } from '../errors.js';

/**
 * 416: the range asked for is not in the file (Werkzeug's
 * `RequestedRangeNotSatisfiable`). Given the file's size, the page carries
 * a Content-Range header with an asterisk for the range and the size
 * (RFC 9110 §15.5.17), so the client learns the size.
 */
export class RequestedRangeNotSatisfiable extends HTTPException {
  constructor(
    readonly length: number | null = null,
    description?: string,
  ) {
    super(416, { description, headers: length === null ? {} : { 'Content-Range': `bytes */${length}` } });
  }
}
