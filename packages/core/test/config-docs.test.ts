/**
 * Runs every `// example:` block of docs/config.md as a module: each is a
 * complete program whose `assert` calls are the checks (as docs-examples.test.ts
 * does for the other guides).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Beside the tests, so the examples resolve @micro/* like the tests do; removed afterwards.
const dir = fileURLToPath(new URL('./.config-docs-examples/', import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```ts\n(\/\/ example: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2]!, code: m[1]! }));

describe('docs/config.md', () => {
  it('has examples', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(['own-keys', 'from-object', 'from-mapping', 'from-file', 'from-prefixed-env', 'from-env', 'validate']),
    );
  });

  for (const { name, code } of examples) {
    it(`example "${name}" runs and its assertions hold`, async () => {
      mkdirSync(dir, { recursive: true });
      const file = `${dir}${name}.ts`;
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    });
  }
});
