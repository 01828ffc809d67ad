/**
 * A real OpenTelemetry SDK for the telemetry tests: the tracer provider with
 * the SDK's in-memory span exporter, an AsyncLocalStorage context manager (what
 * NodeSDK registers, so spans nest across awaits), and a meter provider whose
 * reader collects on demand.
 */
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Collects when asked (`collect()`), never on a timer. */
class OnDemandReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface OtelSdk {
  exporter: InMemorySpanExporter;
  /** The finished spans of @micro/session. */
  spans(): ReadableSpan[];
  /** The data points of one metric of @micro/session, at this moment. */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  shutdown(): Promise<void>;
}

export function registerOtelSdk(): OtelSdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    exporter,
    spans: () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === '@micro/session'),
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      const found = resourceMetrics.scopeMetrics
        .filter((s) => s.scope.name === '@micro/session')
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === name);
      return (found?.dataPoints ?? []) as DataPoint<number | Histogram>[];
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
    },
  };
}
