/**
 * Is a service there, and what to do when it is not: skip loudly, or fail when
 * MICRO_REQUIRE_SERVICES=1 (CI on a machine that is supposed to have it).
 */
import { randomBytes } from 'node:crypto';
import { createServer, Socket } from 'node:net';

export const requireServices = process.env.MICRO_REQUIRE_SERVICES === '1';

export interface ServiceCheck {
  available: boolean;
  /** Why it is not available, for the skip message. */
  reason?: string;
}

function banner(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.warn(['', bar, ...lines.map((l) => `!! ${l}`), bar, ''].join('\n'));
}

/**
 * Run `probe` (which throws when the service is unusable). Returns whether the
 * tests may run; when they may not, warns loudly, or throws when services are required.
 */
export async function checkService(name: string, where: string, probe: () => Promise<void>): Promise<ServiceCheck> {
  try {
    await probe();
    return { available: true };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (requireServices) {
      throw new Error(
        `${name} is required (MICRO_REQUIRE_SERVICES=1) but unreachable at ${where}: ${reason}. ` +
          `Start it or point the test at it with the matching *_URL variable.`,
      );
    }
    banner([`SKIPPED: ${name} tests were NOT run — ${name} unreachable at ${where}.`, `Reason: ${reason}`, `Set MICRO_REQUIRE_SERVICES=1 to make this a failure.`]);
    return { available: false, reason };
  }
}

/**
 * For services that cannot exist on this machine (MongoDB): never a failure, even
 * under MICRO_REQUIRE_SERVICES, but say plainly that nothing was tested.
 */
export function optionalService(name: string, envVar: string): ServiceCheck {
  if (process.env[envVar]) return { available: true };
  banner([`NOT RUN HERE: ${name} store tests need ${envVar}; it is not set, so the ${name} store was NOT tested in this run.`]);
  return { available: false, reason: `${envVar} not set` };
}

/** Open and close a TCP connection, failing after `timeoutMs`. */
export function probeTcp(host: string, port: number, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no TCP answer within ${timeoutMs} ms`)));
    socket.once('error', (err) => done(err));
    socket.connect(port, host, () => done());
  });
}

/** A per-run suffix, so parallel test files never share keys or tables. */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** A currently free loopback port (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const urls = {
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  memcached: process.env.MEMCACHED_URL,
  mongodb: process.env.MONGODB_URL,
};

/** Host and port of a URL such as redis://127.0.0.1:6379. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : defaultPort };
}
