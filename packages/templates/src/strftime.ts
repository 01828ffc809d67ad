/**
 * The `strftime` filter: Python's `datetime.strftime` for templates ported
 * from Flask, where `{{ post['created'].strftime('%Y-%m-%d') }}` calls a
 * method JavaScript dates do not have. Write `{{ post['created']|strftime('%Y-%m-%d') }}`.
 *
 * Fields are read in UTC: a naive Python datetime has no zone, and the
 * timestamps Flask apps store (SQLite's CURRENT_TIMESTAMP) are UTC. Names are
 * the C locale's, as Python's default. Takes a Date, epoch milliseconds, or
 * text `new Date()` reads; text without a zone (`2018-01-01 00:00:00`, as
 * SQLite stores it) is read as UTC.
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const NAIVE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Format `value` as Python's `strftime(format)` does for a naive datetime (UTC fields, C locale). */
export function strftime(value: unknown, format: string): string {
  const date = toDate(value);
  if (typeof format !== 'string') throw new TypeError('strftime: the format must be a string');
  return format.replace(/%([a-zA-Z%])/g, (directive, code: string) => formatField(date, code) ?? directive);
}

function toDate(value: unknown): Date {
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (typeof value === 'string') {
    const naive = NAIVE.exec(value.trim());
    date = naive ? new Date(`${naive[1]}T${naive[2] ?? '00:00:00'}Z`) : new Date(value);
  } else throw new TypeError(`strftime: expected a Date, a number or a date string, got ${value === null ? 'null' : typeof value}`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`strftime: invalid date ${JSON.stringify(String(value))}`);
  return date;
}

function formatField(d: Date, code: string): string | undefined {
  const hour12 = d.getUTCHours() % 12 || 12;
  switch (code) {
    case 'a': return DAYS[d.getUTCDay()]!.slice(0, 3);
    case 'A': return DAYS[d.getUTCDay()]!;
    case 'b': case 'h': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
    case 'B': return MONTHS[d.getUTCMonth()]!;
    case 'c': return `${formatField(d, 'a')} ${formatField(d, 'b')} ${String(d.getUTCDate()).padStart(2, ' ')} ${formatField(d, 'X')} ${d.getUTCFullYear()}`;
    case 'd': return pad(d.getUTCDate());
    case 'e': return String(d.getUTCDate()).padStart(2, ' ');
    case 'f': return pad(d.getUTCMilliseconds() * 1000, 6);
    case 'H': return pad(d.getUTCHours());
    case 'I': return pad(hour12);
    case 'j': return pad(dayOfYear(d), 3);
    case 'm': return pad(d.getUTCMonth() + 1);
    case 'M': return pad(d.getUTCMinutes());
    case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'S': return pad(d.getUTCSeconds());
    case 'u': return String(d.getUTCDay() || 7);
    case 'w': return String(d.getUTCDay());
    case 'x': return `${formatField(d, 'm')}/${formatField(d, 'd')}/${formatField(d, 'y')}`;
    case 'X': return `${formatField(d, 'H')}:${formatField(d, 'M')}:${formatField(d, 'S')}`;
    case 'y': return pad(d.getUTCFullYear() % 100);
    case 'Y': return String(d.getUTCFullYear());
    case 'z': return ''; // a naive datetime has no offset
    case 'Z': return '';
    case '%': return '%';
    default: return undefined; // unknown directives stay as written, as glibc leaves them
  }
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}
