/**
 * A store that reports each call to OpenTelemetry: a `session.store.<op>`
 * span (a child of `session.open` / `session.save`), its duration in the
 * `micro.session.store.duration` histogram, and outages in
 * `micro.session.store.outages`. Only used when an SDK is registered
 * (`traceStore` returns the store itself otherwise); the session id never
 * leaves the call.
 */
import type { TelemetryAttributes } from '../telemetry/opentelemetry.js';
import { activeTelemetry, ATTR, errorOutcome, isClientStore, storeAttributes, type SessionTelemetry } from '../telemetry/session-telemetry.js';
import type { SessionChanges, SessionData, SessionStore } from './store.js';

type Operation = 'get' | 'set' | 'apply' | 'touch' | 'destroy';

/** `store` wrapped in a TracedStore when an OpenTelemetry SDK is registered now; otherwise `store` itself. */
export function traceStore(store: SessionStore): SessionStore {
  const telemetry = activeTelemetry();
  return telemetry === null || store instanceof TracedStore ? store : new TracedStore(store, telemetry);
}

export class TracedStore implements SessionStore {
  readonly name: string;
  readonly cleanup?: () => Promise<number>;
  readonly close?: () => Promise<void>;
  private readonly attributes: Readonly<Record<Operation, TelemetryAttributes>>;
  private readonly client: boolean;

  constructor(
    readonly inner: SessionStore,
    private readonly telemetry: SessionTelemetry,
  ) {
    this.name = inner.name;
    if (inner.cleanup) this.cleanup = () => inner.cleanup!();
    if (inner.close) this.close = () => inner.close!();
    const base = storeAttributes(inner.name);
    const op = (name: Operation) => ({ ...base, [ATTR.dbOperation]: name });
    this.attributes = { get: op('get'), set: op('set'), apply: op('apply'), touch: op('touch'), destroy: op('destroy') };
    this.client = isClientStore(inner.name);
  }

  get(id: string): Promise<SessionData | null> {
    return this.call('get', (store, span) =>
      store.get(id).then((data) => {
        span.setAttribute(ATTR.hit, data !== null);
        return data;
      }),
    );
  }

  set(id: string, data: SessionData, ttlMs: number): Promise<void> {
    return this.call('set', (store) => store.set(id, data, ttlMs));
  }

  apply(id: string, changes: SessionChanges, ttlMs: number): Promise<void> {
    return this.call('apply', (store) => store.apply(id, changes, ttlMs));
  }

  touch(id: string, ttlMs: number): Promise<void> {
    return this.call('touch', (store) => store.touch(id, ttlMs));
  }

  destroy(id: string): Promise<void> {
    return this.call('destroy', (store) => store.destroy(id));
  }

  /** Run `work` on the inner store under a new span, then record its outcome and duration. */
  private call<T>(operation: Operation, work: (store: SessionStore, span: { setAttribute(key: string, value: boolean): unknown }) => Promise<T>): Promise<T> {
    const t = this.telemetry;
    const attributes = this.attributes[operation];
    const { span, context } = t.startSpan(`session.store.${operation}`, attributes, this.client);
    const started = performance.now();
    let promise: Promise<T>;
    try {
      // Under the span's context, so a conflict the store merges is noted on this span.
      promise = t.api.context.with(context, work, undefined, this.inner, span);
    } catch (err) {
      promise = Promise.reject(err);
    }
    return promise.then(
      (value) => {
        t.recordStoreCall(attributes, (performance.now() - started) / 1000);
        t.endSpan(span, 'ok');
        return value;
      },
      (err: unknown) => {
        t.recordStoreCall(attributes, (performance.now() - started) / 1000, err);
        t.endSpan(span, errorOutcome(err), err);
        throw err;
      },
    );
  }
}
