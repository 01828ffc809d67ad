/**
 * Runs every `// example: <name>` block of a guide in docs/ as a module: each
 * is a complete program whose `assert` calls are the checks, so a guide cannot
 * drift from the code.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DOCS = new URL('../../../docs/', import.meta.url);

/**
 * One `describe` per guide. `dir`: where the examples are written, beside the
 * calling tests so they resolve `@micro/*` as the tests do (removed afterwards).
 * `expected`: example names the guide must keep.
 */
export function describeDocExamples(guide: string, dir: URL, expected: readonly string[] = []): void {
  const folder = fileURLToPath(dir);
  const doc = readFileSync(new URL(`${guide}.md`, DOCS), 'utf8');
  const examples = [...doc.matchAll(/```ts\n(\/\/ example: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2]!, code: m[1]! }));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  describe(`docs/${guide}.md`, () => {
    it('has its examples', () => {
      expect(examples.length).toBeGreaterThan(0);
      expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining([...expected]));
    });

    for (const { name, code } of examples) {
      it(`example "${name}" runs and its assertions hold`, async () => {
        mkdirSync(folder, { recursive: true });
        const file = `${folder}${guide}-${name}.ts`;
        writeFileSync(file, code);
        await import(/* @vite-ignore */ file);
      });
    }
  });
}
