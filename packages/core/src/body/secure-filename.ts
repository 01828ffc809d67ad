/**
 * Werkzeug's `secure_filename`: a name safe to join to a directory path.
 * Accents are folded to ASCII, other non-ASCII dropped, path separators and
 * whitespace become `_`, anything outside `[A-Za-z0-9_.-]` is removed, leading
 * and trailing `.`/`_` are stripped; Windows device names get a `_` prefix.
 * The result may be empty: then pick a name of your own.
 *
 *     secureFilename('My cool movie.mov')     // 'My_cool_movie.mov'
 *     secureFilename('../../../etc/passwd')   // 'etc_passwd'
 */
export function secureFilename(filename: string): string {
  let name = filename.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  // Both separators, whatever the server OS: the name came from some client's OS.
  // (Werkzeug uses os.sep and os.altsep, so on POSIX a backslash is simply removed;
  // here `a\b` gives `a_b` on every platform.)
  name = name.replace(/[/\\]/g, ' ');
  name = name.split(/[\s\x1c-\x1f]+/).filter(Boolean).join('_');
  name = name.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[._]+|[._]+$/g, '');
  // Werkzeug only does this on Windows; doing it everywhere keeps files portable.
  if (name && WINDOWS_DEVICE_FILES.has(name.split('.')[0]!.toUpperCase())) name = `_${name}`;
  return name;
}

const WINDOWS_DEVICE_FILES = new Set([
  'CON', 'PRN', 'AUX', 'NUL', 'CONIN$', 'CONOUT$',
  ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`),
]);
