import { isAbsolute, posix, sep } from 'node:path';

/**
 * Join untrusted, URL-style path parts onto a trusted folder, or return null
 * when a part could leave it (Werkzeug's `safe_join`): each part is
 * normalized first (`a/../b` is `b`), then refused when it is absolute,
 * climbs out (`..`, `../x`), holds a backslash (Werkzeug refuses it on
 * Windows only; a URL never needs one, so micro refuses it everywhere) or a
 * NUL byte (which node's fs would reject with an exception). Symlinks are not
 * resolved here: `sendFromDirectory` checks the real path after joining.
 */
export function safeJoin(directory: string, ...untrusted: string[]): string | null {
  // '' would make the first untrusted part the trusted base.
  const parts = [directory || '.'];
  for (const raw of untrusted) {
    if (!raw) continue;
    if (raw.includes('\0') || raw.includes('\\')) return null;
    const part = posix.normalize(raw);
    if (part.startsWith('/') || isAbsolute(part) || part === '..' || part.startsWith('../') || isWindowsDrive(part)) return null;
    parts.push(part);
  }
  return posix.join(...parts);
}

/** `C:x` is relative to drive C's current folder on Windows, never inside ours. */
function isWindowsDrive(part: string): boolean {
  return sep === '\\' && /^[a-zA-Z]:/.test(part);
}
