/**
 * `@opentelemetry/api`, loaded once when this module loads, if it is installed.
 * It is an optional peer dependency: apps without it pay nothing, and the
 * published types never mention it. Only the few calls micro makes are typed
 * here, structurally, so any 1.x release of the API fits.
 */
import { createRequire } from 'node:module';

/** Span and metric attributes: plain values only (never a session id or session data). */
export type TelemetryAttributes = Record<string, string | number | boolean>;

export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setAttributes(attributes: TelemetryAttributes): unknown;
  addEvent(name: string, attributes?: TelemetryAttributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): unknown;
  isRecording(): boolean;
  end(): void;
}

export type OtelContext = object;

export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: TelemetryAttributes }, context?: OtelContext): OtelSpan;
}

export interface OtelCounter {
  add(value: number, attributes?: TelemetryAttributes): void;
}

export interface OtelHistogram {
  record(value: number, attributes?: TelemetryAttributes): void;
}

export interface OtelMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): OtelCounter;
  createHistogram(name: string, options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram;
}

interface TracerProvider {
  getTracer(name: string, version?: string): OtelTracer;
}

interface MeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/** The part of `@opentelemetry/api` micro uses. */
export interface OtelApi {
  trace: {
    getTracerProvider(): TracerProvider;
    getActiveSpan(): OtelSpan | undefined;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
  };
  metrics: { getMeterProvider(): MeterProvider };
  context: {
    active(): OtelContext;
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: OtelContext, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F>;
  };
  ProxyTracerProvider: new () => { getDelegate(): TracerProvider };
  createNoopMeter(): OtelMeter;
  SpanKind: { INTERNAL: number; CLIENT: number };
  SpanStatusCode: { ERROR: number };
}

/** The API, or null when it is not installed. Loaded once: this module is on the path of every request. */
export const otel: OtelApi | null = load();

function load(): OtelApi | null {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch {
    return null;
  }
}

/** A tracer from the registered tracer provider, or null when none is registered (the API's no-op one answers then). */
export function registeredTracer(api: OtelApi, name: string, version: string): OtelTracer | null {
  const provider = api.trace.getTracerProvider();
  const delegate = provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
  // A fresh proxy delegates to the API's no-op provider: the same object as an unregistered global's.
  return delegate === new api.ProxyTracerProvider().getDelegate() ? null : delegate.getTracer(name, version);
}

/** A meter from the registered meter provider, or null when none is registered. */
export function registeredMeter(api: OtelApi, name: string, version: string): OtelMeter | null {
  const meter = api.metrics.getMeterProvider().getMeter(name, version);
  return meter.constructor === api.createNoopMeter().constructor ? null : meter;
}
