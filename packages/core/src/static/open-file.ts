import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { NotFound } from '../errors.js';

/** A regular file opened for reading, with what fstat said of it. */
export interface OpenFile {
  handle: FileHandle;
  stats: Stats;
}

/** A FIFO or device opened by mistake must not block the open; regular files ignore the flag. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
/** Errors that mean "there is no such file for you": a 404. */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG', 'ENXIO', 'ENODEV']);

/**
 * Open `path` and fstat the open file, so what is sent is what was
 * checked: a NotFound (with the cause) when it cannot be opened or is not a
 * regular file (a folder, a FIFO, a device). Other failures (EMFILE, EIO)
 * stay errors: they are the server's, not the client's.
 */
export async function openFile(path: string): Promise<OpenFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    throw notFound(err);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotFound();
    return { handle, stats };
  } catch (err) {
    handle.close().catch(() => {});
    throw notFound(err);
  }
}

/**
 * Open `joined` (a path safeJoin made under `folder`) only if it really is
 * inside the folder: a symlink may point anywhere, and safeJoin only looked
 * at the name. (Werkzeug follows symlinks wherever they lead.)
 *
 * The first time a path is asked for, its real path is resolved and checked,
 * and the real path is opened, so a symlink swapped in after the check is
 * not followed. The file's identity (device, inode, size, mtime, ctime) is
 * then remembered for the path: later requests open the path directly and
 * serve it when the open file is that same file, which costs no realpath
 * (the static route's most common case); any other file at that path (a
 * symlink re-pointed, a file replaced or changed) is checked again.
 */
export async function openInside(folder: string, joined: string): Promise<OpenFile> {
  const known = verified.get(joined);
  if (known !== undefined) {
    const file = await openFile(joined);
    if (identity(file.stats) === known) return file;
    file.handle.close().catch(() => {});
  }
  const file = await openFile(await realPathInside(folder, joined));
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(joined, identity(file.stats));
  return file;
}

/** Joined path → identity of the file last checked to be inside its folder there. */
const verified = new Map<string, string>();
/** Paths remembered at most; the map starts over when full (a folder of more files just checks more often). */
const MAX_VERIFIED = 10_000;

/** What tells one file from another; ctime changes on every write, rename or chmod and cannot be set back. */
function identity(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/** The real path of `joined` when it is inside the real `folder`, else a 404. */
async function realPathInside(folder: string, joined: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(joined);
  } catch (err) {
    throw notFound(err);
  }
  let base = realFolders.get(folder);
  if (base === undefined || !isInside(real, base)) {
    // First use, or the folder moved (a deploy's `current` symlink flipped): look again.
    try {
      base = await realpath(folder);
    } catch (err) {
      throw notFound(err);
    }
    if (realFolders.size >= 256) realFolders.clear();
    realFolders.set(folder, base);
  }
  if (!isInside(real, base)) throw new NotFound();
  return real;
}

/** The real path of each folder files were sent from. */
const realFolders = new Map<string, string>();

function isInside(path: string, folder: string): boolean {
  return path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function notFound(err: unknown): unknown {
  if (err instanceof NotFound) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && NOT_FOUND_CODES.has(code) ? new NotFound(undefined, { cause: err }) : err;
}
