// micro-signed with an OpenTelemetry SDK registered first: session.open / session.save spans
// on every request. Not in the registry: `node bench/pipeline.mjs --peers
// micro-signed,otel=bench/servers/micro-signed-otel.mjs` (micro-signed loads first, before
// the SDK exists, so it runs without telemetry in the same process). docs/benchmarks.md.
import { registerOtelSdk } from './lib/otel-sdk.mjs';
import { startMicro } from './lib/micro-app.mjs';

registerOtelSdk();
await startMicro();
