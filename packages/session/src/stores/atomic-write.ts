import { open, rename, unlink } from 'node:fs/promises';

/**
 * Write `bytes` to `file` so that a reader sees the old file or the whole new
 * one, never half of it: write `temp` (created here, never an existing file),
 * flush it to disk, then rename it over `file`. On failure the temp file it
 * created is removed and the error thrown as it came.
 */
export async function writeFileAtomically(file: string, temp: string, bytes: Uint8Array, mode: number): Promise<void> {
  const handle = await open(temp, 'wx', mode); // fails on an existing temp, which is not ours to remove
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync(); // the rename must not publish a file whose bytes are still in flight
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}
