import { lookup } from 'mime-types';

/** Python's `mimetypes.suffix_map`: short names for compressed archives. */
const SUFFIXES: Record<string, string> = {
  '.svgz': '.svg.gz',
  '.tgz': '.tar.gz',
  '.taz': '.tar.gz',
  '.tz': '.tar.gz',
  '.tbz2': '.tar.bz2',
  '.txz': '.tar.xz',
};

/** Python's `mimetypes.encodings_map` (case-sensitive, as there). */
const ENCODINGS: Record<string, string> = {
  '.gz': 'gzip',
  '.Z': 'compress',
  '.bz2': 'bzip2',
  '.xz': 'xz',
  '.br': 'br',
};

export interface GuessedType {
  /** The type of the content, or null when the name says nothing. */
  mimetype: string | null;
  /** How the content is compressed (`gzip` for `x.tar.gz`), or null. */
  encoding: string | null;
}

/**
 * The type and compression of a file from its name, as Python's
 * `mimetypes.guess_type` (which Werkzeug's `send_file` uses): `report.csv.gz`
 * is `text/csv` compressed with gzip, not `application/gzip`. The type table
 * is mime-db's (through `mime-types`), not Python's, so a few rare
 * extensions differ.
 */
export function guessType(name: string): GuessedType {
  let [base, ext] = splitExt(name);
  for (let short = SUFFIXES[ext.toLowerCase()]; short !== undefined; short = SUFFIXES[ext.toLowerCase()]) {
    [base, ext] = splitExt(base + short);
  }
  let encoding: string | null = null;
  const enc = ENCODINGS[ext];
  if (enc !== undefined) {
    encoding = enc;
    [base, ext] = splitExt(base);
  }
  const type = ext ? lookup(ext) : false;
  return { mimetype: type === false ? null : type, encoding };
}

/** Python's `posixpath.splitext`: a leading dot (`.bashrc`) is no extension. */
function splitExt(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  if (dot <= slash + 1) return [name, ''];
  // Dots leading the file name ("..x") do not start an extension either.
  for (let i = slash + 1; i < dot; i++) if (name[i] !== '.') return [name.slice(0, dot), name.slice(dot)];
  return [name, ''];
}
