/**
 * Runs every `// example:` block of docs/sessions.md (see core's doc-examples.ts).
 */
import { describeDocExamples } from '../../core/test/doc-examples.js';

describeDocExamples('sessions', new URL('./.docs-examples/', import.meta.url), [
  'quick-start',
  'encrypted',
  'flash',
  'custom-interface',
  'session-transaction',
  'bad-cookies',
  'key-rotation',
  'key-rotation-encrypted',
  'cookie-chunking',
]);
