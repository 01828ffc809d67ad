// micro-memory with an OpenTelemetry SDK registered first: open / save spans, a span and a
// latency histogram point per store call. Load it after the peers that should run without.
import { registerOtelSdk } from './lib/otel-sdk.mjs';
import { startMicro } from './lib/micro-app.mjs';

registerOtelSdk();
await startMicro({ SESSION_TYPE: 'memory' });
