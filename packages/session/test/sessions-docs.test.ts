/**
 * Runs every `// example:` block of docs/sessions.md as a module: each is a
 * complete program whose `assert` calls are the checks, so the guide cannot
 * drift from the code.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/sessions.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```ts\n(\/\/ example: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({ name: m[2]!, code: m[1]! }));
// Beside the tests, so the examples resolve @micro/* like the tests do; removed afterwards.
const dir = fileURLToPath(new URL('./.docs-examples/', import.meta.url));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/sessions.md', () => {
  it('has its examples', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(['quick-start', 'encrypted', 'flash', 'custom-interface', 'session-transaction', 'bad-cookies', 'key-rotation']),
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
