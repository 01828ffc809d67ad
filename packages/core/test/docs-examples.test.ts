/**
 * Runs every `// example:` block of core's guides as a module: each is a
 * complete program whose `assert` calls are the checks.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const GUIDES = ['requests-and-responses', 'blueprints', 'serving', 'security'];
// Beside the tests, so the examples resolve @micro/* like the tests do; removed afterwards.
const dir = fileURLToPath(new URL('./.docs-examples/', import.meta.url));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const guide of GUIDES) {
  const doc = readFileSync(new URL(`../../../docs/${guide}.md`, import.meta.url), 'utf8');
  const examples = [...doc.matchAll(/```ts\n(\/\/ example: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2]!, code: m[1]! }));

  describe(`docs/${guide}.md`, () => {
    it('has examples', () => {
      expect(examples.length).toBeGreaterThan(0);
    });

    for (const { name, code } of examples) {
      it(`example "${name}" runs and its assertions hold`, async () => {
        mkdirSync(dir, { recursive: true });
        const file = `${dir}${guide}-${name}.ts`;
        writeFileSync(file, code);
        await import(/* @vite-ignore */ file);
      });
    }
  });
}
