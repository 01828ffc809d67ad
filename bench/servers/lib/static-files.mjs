// The files of the static scenarios, the same bytes for every peer: 1 KiB and 1 MiB of
// ASCII text in one folder, written once per machine (in the OS temp folder, so the repo
// holds no megabyte of filler) and served by each static peer at /static/<name>.
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STATIC_DIR = join(tmpdir(), 'micro-bench-static');

/** name → size in bytes; bench/lib/peers.mjs asks for /static/<name> and checks the size. */
export const STATIC_FILES = { '1k.txt': 1024, '1m.txt': 1024 * 1024 };

/** Make the files if they are missing (or of another size); returns the folder. */
export function staticFiles() {
  mkdirSync(STATIC_DIR, { recursive: true });
  for (const [name, size] of Object.entries(STATIC_FILES)) {
    const path = join(STATIC_DIR, name);
    if (existsSync(path) && statSync(path).size === size) continue;
    const line = 'micro static bench: the same bytes for every peer.\n';
    const text = line.repeat(Math.ceil(size / line.length)).slice(0, size);
    // Written aside and renamed, so a server starting meanwhile never sees half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return STATIC_DIR;
}
