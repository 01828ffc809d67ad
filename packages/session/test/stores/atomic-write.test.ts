/** writeFileAtomically: the whole new file or the old one, and no temp file left behind on failure. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../src/stores/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'micro-atomic-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('replaces the file with the new bytes and the given mode, leaving no temp file', async () => {
    const file = join(dir, 'a');
    writeFileSync(file, 'old');
    await writeFileAtomically(file, join(dir, 'a.tmp'), Buffer.from('new bytes'), 0o600);
    expect(readFileSync(file, 'utf8')).toBe('new bytes');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['a']);
  });

  it('never writes through an existing temp path, and keeps the old file when it fails', async () => {
    const file = join(dir, 'b');
    writeFileSync(file, 'old');
    writeFileSync(join(dir, 'b.tmp'), 'someone else');
    await expect(writeFileAtomically(file, join(dir, 'b.tmp'), Buffer.from('new'), 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readFileSync(join(dir, 'b.tmp'), 'utf8')).toBe('someone else');
  });

  it('removes its temp file when the rename fails', async () => {
    const target = join(dir, 'c-dir');
    await import('node:fs').then((fs) => fs.mkdirSync(join(target, 'inside'), { recursive: true }));
    // Renaming a file over a non-empty folder fails (EISDIR / ENOTEMPTY): the temp must not stay behind.
    await expect(writeFileAtomically(target, join(dir, 'c.tmp'), Buffer.from('x'), 0o600)).rejects.toThrow();
    expect(readdirSync(dir)).not.toContain('c.tmp');
  });
});
