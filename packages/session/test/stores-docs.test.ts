/**
 * Runs every `// example:` block of docs/stores.md (see core's doc-examples.ts).
 */
import { describeDocExamples } from '../../core/test/doc-examples.js';

describeDocExamples('stores', new URL('./.docs-examples-stores/', import.meta.url), ['memory-bounds', 'sqlite-busy-timeout']);
