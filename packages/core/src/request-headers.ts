import type { IncomingHttpHeaders } from 'node:http';

/**
 * Read-only, case-insensitive view of the request headers (Werkzeug's
 * `EnvironHeaders`): `request.headers.get('User-Agent')`.
 */
export class RequestHeaders implements Iterable<[string, string]> {
  constructor(readonly raw: IncomingHttpHeaders) {}

  /** The header's value; repeated headers are joined with ", " (cookies with "; "). */
  get(name: string): string | undefined;
  get(name: string, defaultValue: string): string;
  get(name: string, defaultValue?: string): string | undefined {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return defaultValue;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  getAll(name: string): string[] {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return [];
    return Array.isArray(value) ? value.slice() : [value];
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const value = this.raw[name];
      if (Array.isArray(value)) for (const v of value) yield [name, v];
      else if (value !== undefined) yield [name, value];
    }
  }

  toJSON(): IncomingHttpHeaders {
    return this.raw;
  }
}
