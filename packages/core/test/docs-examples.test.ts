/**
 * Runs every `// example:` block of core's guides (see doc-examples.ts).
 */
import { describeDocExamples } from './doc-examples.js';

const GUIDES = ['requests-and-responses', 'blueprints', 'serving', 'security', 'config', 'templates', 'static-files', 'routing', 'errors-and-hooks'];
// Names a guide must keep, where losing one would go unnoticed.
const EXPECTED: Record<string, string[]> = {
  routing: ['class-based-views'],
  'errors-and-hooks': ['teardown-appcontext', 'url-processors'],
  config: ['own-keys', 'from-object', 'from-mapping', 'from-file', 'from-prefixed-env', 'from-env', 'validate'],
  'static-files': ['static-folder', 'max-age', 'blueprint-static', 'send-file', 'send-from-directory', 'conditional'],
};

for (const guide of GUIDES) describeDocExamples(guide, new URL('./.docs-examples/', import.meta.url), EXPECTED[guide]);
