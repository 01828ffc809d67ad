/**
 * Runs every `// example:` block of docs/telemetry.md (see core's doc-examples.ts).
 */
import { describeDocExamples } from '../../core/test/doc-examples.js';

describeDocExamples('telemetry', new URL('./.docs-examples-telemetry/', import.meta.url), ['audit-log', 'opentelemetry']);
