// micro with server-side sessions in the memory store (SESSION_TYPE 'memory'): the session
// layer's store path without a network. Not in the registry; for bench/pipeline.mjs as
// `memory=bench/servers/micro-memory.mjs` (the telemetry measurement in docs/benchmarks.md).
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_TYPE: 'memory' });
