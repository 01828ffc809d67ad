import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wait before retrying an optimistic write that lost a race. Full jitter keeps
 * contenders from colliding again in lockstep; the cap keeps latency bounded.
 */
export function retryDelay(attempt: number, baseMs = 1, capMs = 50): Promise<void> {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return sleep(Math.random() * ceiling);
}
