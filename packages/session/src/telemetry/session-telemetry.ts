/**
 * The spans and metrics of @micro/session, on whatever OpenTelemetry SDK the
 * app registered. `activeTelemetry()` is null when `@opentelemetry/api` is not
 * installed or no SDK is registered: callers check it once (when a session
 * interface is built) and then take a path with no telemetry at all.
 *
 * Attributes never carry a session id, a cookie or session data: only the
 * store's kind, the operation and its outcome.
 */
import { createRequire } from 'node:module';
import { ServiceUnavailable } from '@micro/core';
import { StoreConflictError, StoreUnavailableError } from '../stores/errors.js';
import { otel, registeredMeter, registeredTracer, type OtelApi, type OtelCounter, type OtelHistogram, type OtelMeter, type OtelSpan, type OtelTracer, type TelemetryAttributes } from './opentelemetry.js';

/** The instrumentation scope's name: what spans and metrics are filed under. */
export const INSTRUMENTATION_NAME = '@micro/session';
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** How a session open, save or store call ended. */
export type SessionOutcome = 'ok' | 'new' | 'expired' | 'tampered' | 'invalid' | 'null' | 'unavailable' | 'conflict' | 'error';

/** Attribute names (OpenTelemetry semantic conventions where one exists). */
export const ATTR = {
  /** The session backend: a store's name ('redis', 'sql:postgres'…) or the cookie interface ('cookie', 'encrypted-cookie'). */
  store: 'micro.session.store',
  outcome: 'micro.session.outcome',
  /** session.save: the changes were merged into the stored record (a delta write), not written whole. */
  merged: 'micro.session.merged',
  /** session.store.get: a stored session was found. */
  hit: 'micro.session.store.hit',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  errorType: 'error.type',
} as const;

export class SessionTelemetry {
  private readonly storeDuration: OtelHistogram;
  private readonly conflicts: OtelCounter;
  private readonly outages: OtelCounter;
  private readonly revocations: OtelCounter;

  constructor(
    readonly api: OtelApi,
    readonly tracer: OtelTracer,
    meter: OtelMeter,
  ) {
    this.storeDuration = meter.createHistogram('micro.session.store.duration', {
      description: 'Duration of session store calls, by store, operation and outcome.',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
    });
    this.conflicts = meter.createCounter('micro.session.store.conflicts', {
      description: 'Writes to one session that lost a race with another writer and were retried (read again and merged).',
      unit: '{conflict}',
    });
    this.outages = meter.createCounter('micro.session.store.outages', {
      description: 'Session store calls that failed because the store was unavailable (answered 503).',
      unit: '{call}',
    });
    this.revocations = meter.createCounter('micro.session.revocations', {
      description: 'Sessions revoked (deleted on purpose, e.g. all sessions of a user).',
      unit: '{session}',
    });
  }

  /** Start a span as a child of the active one; `context` is what to run the work under so its spans nest. */
  startSpan(name: string, attributes: TelemetryAttributes, client = false): { span: OtelSpan; context: object } {
    const { context, trace, SpanKind } = this.api;
    const parent = context.active();
    const span = this.tracer.startSpan(name, { kind: client ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** End `span` with `outcome`; an error outcome sets the span's status to ERROR with the error's type. */
  endSpan(span: OtelSpan, outcome: SessionOutcome, err?: unknown): void {
    span.setAttribute(ATTR.outcome, outcome);
    if (err !== undefined) {
      const cause = rootError(err);
      span.setAttribute(ATTR.errorType, cause instanceof Error ? cause.name : 'Error');
      // A store error's message names the store and what failed, never the id (stores/errors.ts). Other
      // messages are left out: a driver's may quote a key or a value (MySQL's "Duplicate entry '…'").
      const known = cause instanceof StoreUnavailableError || cause instanceof StoreConflictError;
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: known ? cause.message : undefined });
    }
    span.end();
  }

  recordStoreCall(attributes: TelemetryAttributes, seconds: number, err?: unknown): void {
    const outcome = err === undefined ? 'ok' : errorOutcome(err);
    this.storeDuration.record(seconds, err === undefined ? { ...attributes, [ATTR.outcome]: outcome } : { ...attributes, [ATTR.outcome]: outcome, [ATTR.errorType]: errorType(err) });
    if (outcome === 'unavailable') this.outages.add(1, attributes);
  }

  recordConflictMerged(store: string): void {
    this.conflicts.add(1, storeAttributes(store));
    this.api.trace.getActiveSpan()?.addEvent('micro.session.store.conflict_merged');
  }

  recordRevocations(count: number, attributes: TelemetryAttributes): void {
    this.revocations.add(count, attributes);
  }
}

let cached: { tracer: OtelTracer | null; meter: OtelMeter | null; telemetry: SessionTelemetry } | undefined;

/**
 * The session telemetry for the SDK registered now, or null when there is
 * none (or no `@opentelemetry/api`). Cheap, but not free: call it when an
 * interface is built, or on a rare path (a conflict, a revocation).
 */
export function activeTelemetry(): SessionTelemetry | null {
  if (otel === null) return null;
  const tracer = registeredTracer(otel, INSTRUMENTATION_NAME, VERSION);
  const meter = registeredMeter(otel, INSTRUMENTATION_NAME, VERSION);
  if (tracer === null && meter === null) return null;
  if (cached?.tracer !== tracer || cached.meter !== meter) {
    // Without a tracer (or meter) provider, the API's no-op one stands in for it.
    const telemetry = new SessionTelemetry(otel, tracer ?? otel.trace.getTracerProvider().getTracer(INSTRUMENTATION_NAME), meter ?? otel.createNoopMeter());
    cached = { tracer, meter, telemetry };
  }
  return cached.telemetry;
}

/**
 * Count a write conflict a store resolved by reading again and merging (a
 * lost compare-and-set, a lost race to create the record). Stores call it in
 * their retry loops; it does nothing without a registered SDK.
 */
export function recordConflictMerged(store: string): void {
  activeTelemetry()?.recordConflictMerged(store);
}

const DB_SYSTEMS: Readonly<Record<string, string>> = {
  redis: 'redis',
  memcached: 'memcached',
  mongodb: 'mongodb',
  'sql:postgres': 'postgresql',
  'sql:mysql': 'mysql',
  'sql:sqlite': 'sqlite',
};

/** `micro.session.store`, plus `db.system.name` for stores that are a database client. */
export function storeAttributes(store: string): TelemetryAttributes {
  const system = DB_SYSTEMS[store];
  return system === undefined ? { [ATTR.store]: store } : { [ATTR.store]: store, [ATTR.dbSystem]: system };
}

/** Whether the store is reached over a client connection (a CLIENT span) rather than in process. */
export function isClientStore(store: string): boolean {
  return DB_SYSTEMS[store] !== undefined;
}

/** 'unavailable' for an outage, 'conflict' for a write that lost every retry, else 'error'; looks through core's 503. */
export function errorOutcome(err: unknown): SessionOutcome {
  const cause = err instanceof ServiceUnavailable ? err.cause : err;
  if (cause instanceof StoreUnavailableError) return 'unavailable';
  if (cause instanceof StoreConflictError) return 'conflict';
  return 'error';
}

function errorType(err: unknown): string {
  const cause = rootError(err);
  return cause instanceof Error ? cause.name : 'Error';
}

/** The store's error behind core's 503, or `err` itself. */
function rootError(err: unknown): unknown {
  return err instanceof ServiceUnavailable && err.cause instanceof Error ? err.cause : err;
}
