/**
 * Runs every `// example:` block of docs/server-side-sessions.md (see core's doc-examples.ts).
 */
import { describeDocExamples } from '../../core/test/doc-examples.js';

describeDocExamples('server-side-sessions', new URL('./.docs-examples/', import.meta.url), ['outage-breaker', 'readiness', 'outage-read-only']);
