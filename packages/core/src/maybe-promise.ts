/**
 * Values that are sometimes a promise. The request pipeline stays synchronous
 * while every step is synchronous: each promise (and, with AsyncLocalStorage on
 * Node 20, each promise hook) costs throughput on the hot path.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromiseLike<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
