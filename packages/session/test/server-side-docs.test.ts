/**
 * Runs every `// example:` block of docs/server-side-sessions.md (see core's doc-examples.ts).
 * The one runner of that guide: each guide's examples are written to a folder of their own.
 */
import { describeDocExamples } from '../../core/test/doc-examples.js';

describeDocExamples('server-side-sessions', new URL('./.docs-examples-server-side/', import.meta.url), [
  'outage-breaker',
  'readiness',
  'outage-read-only',
  'flask-session-sharing',
  'user-sessions',
  'absolute-lifetime',
]);
