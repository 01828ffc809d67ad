/**
 * The records real Flask-Session 0.8 wrote (test/fixtures/flask-session-records,
 * made by make_records.py; see its README), with tagged values turned back into
 * what micro decodes them to: {$bytes} → Uint8Array, {$date} → Date.
 */
import { readFileSync } from 'node:fs';

export interface FlaskRecord {
  backend: 'redis' | 'memcached' | 'filesystem' | 'sql:sqlite' | 'sql:postgres' | 'sql:mysql';
  case: string;
  sid: string;
  key: string;
  /** The raw record, base64. */
  value: string;
  /** Unix seconds (float) just before Flask wrote it. */
  written_at: number;
  flask_reads_back: Record<string, unknown>;
  ttl_seconds?: number;
  flags?: number;
  file_name?: string;
  hash?: string;
  expiry?: string;
}

export interface FlaskWritten {
  versions: Record<string, string>;
  secret_key: string;
  key_prefix: string;
  lifetime_seconds: number;
  records: FlaskRecord[];
}

const dir = new URL('../../fixtures/flask-session-records/', import.meta.url);

export const flaskWritten = JSON.parse(readFileSync(new URL('flask-written.json', dir), 'utf8')) as FlaskWritten;

export function recordsOf(backend: FlaskRecord['backend']): FlaskRecord[] {
  return flaskWritten.records.filter((r) => r.backend === backend);
}

export function rawOf(record: { value: string }): Buffer {
  return Buffer.from(record.value, 'base64');
}

/** A fixture value as micro holds it. */
export function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$bytes') return new Uint8Array(Buffer.from(obj.$bytes as string, 'base64'));
    if (keys.length === 1 && keys[0] === '$date') return new Date(obj.$date as string);
    return Object.fromEntries(keys.map((k) => [k, untag(obj[k])]));
  }
  return value;
}

/** What micro holds, tagged as the fixtures are (for comparing with what Flask read). */
export function tag(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.toISOString().replace('.000Z', 'Z') };
  if (Array.isArray(value)) return value.map(tag);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tag(v)]));
  return value;
}

export interface MicroWrittenRecord {
  backend: FlaskRecord['backend'];
  sid: string;
  key: string;
  value: string;
  micro_wrote: Record<string, unknown>;
  flask_read: Record<string, unknown>;
  verified_by_flask: boolean;
}

/** Records micro wrote, read in place by real Flask-Session (scripts/dev/flask-session-micro-writes.ts). */
export const microWritten = JSON.parse(readFileSync(new URL('micro-written.json', dir), 'utf8')) as {
  verified_with: Record<string, string>;
  records: MicroWrittenRecord[];
};
