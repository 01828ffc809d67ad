import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, withTimeout } from '../../src/stores/errors.js';

describe('withTimeout', () => {
  it('passes a value through', async () => {
    await expect(withTimeout('s', 1_000, Promise.resolve(42))).resolves.toBe(42);
  });

  it('passes the command error through as itself', async () => {
    const err = new Error('WRONGTYPE');
    await expect(withTimeout('s', 1_000, Promise.reject(err))).rejects.toBe(err);
  });

  it('rejects with StoreUnavailableError naming the store when there is no answer in time', async () => {
    const started = Date.now();
    const err = await withTimeout('redis', 30, new Promise(() => {})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).store).toBe('redis');
    expect((err as Error).message).toMatch(/no answer within 30 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('a command that fails after its timeout is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (e: Error) => void;
      const late = new Promise<never>((_, reject) => (fail = reject));
      await expect(withTimeout('s', 10, late)).rejects.toBeInstanceOf(StoreUnavailableError);
      fail(new Error('too late'));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
