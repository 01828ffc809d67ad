/**
 * Runs every `// example:` block of docs/sessions.md (see core's doc-examples.ts);
 * server-side-docs.test.ts runs docs/server-side-sessions.md's.
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
  'valid-after',
  'absolute-lifetime',
  'key-rotation-encrypted',
  'cookie-chunking',
]);
