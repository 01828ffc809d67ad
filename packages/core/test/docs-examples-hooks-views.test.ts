/**
 * Runs the `// example:` blocks of the routing and errors-and-hooks guides
 * (see doc-examples.ts), in a folder of their own so they run beside
 * docs-examples.test.ts.
 */
import { describeDocExamples } from './doc-examples.js';

const EXPECTED: Record<string, string[]> = {
  routing: ['class-based-views'],
  'errors-and-hooks': ['teardown-appcontext', 'url-processors'],
};

for (const [guide, names] of Object.entries(EXPECTED)) {
  describeDocExamples(guide, new URL('./.docs-examples-hooks-views/', import.meta.url), names);
}
