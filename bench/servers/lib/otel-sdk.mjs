// An OpenTelemetry SDK set up as production apps do (NodeSDK's pieces): spans through a
// BatchSpanProcessor, the AsyncLocalStorage context manager, a meter provider with a
// reader. Spans and metrics go nowhere (no exporter over the network): the bench measures
// what recording them costs micro, not what shipping them costs.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const discard = {
  export(_spans, done) {
    done({ code: 0 });
  },
  async shutdown() {},
};

class IdleReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}

let registered = false;

/** Register the SDK globally, once per process; call it before `sessions(app)`, as micro's docs say. */
export function registerOtelSdk() {
  if (registered) return;
  registered = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new IdleReader()] }));
}
