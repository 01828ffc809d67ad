// What every peer server shares, so that differences in the table come from the
// frameworks and their session packages, not from the setup around them.

/** Port to listen on; the harness passes a free one. */
export const PORT = Number(process.env.PORT ?? 3000);
/** Loopback only: the load never leaves this machine. */
export const HOST = '127.0.0.1';
/** One secret for every peer (≥ 32 chars, which @fastify/session requires). */
export const SECRET = process.env.BENCH_SECRET ?? 'micro-bench-secret-0123456789abcdef';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const HELLO = 'Hello, World!';
export const loggedIn = (escapedName) => `Logged in as ${escapedName}`;
export const LOGGED_OUT = 'You are not logged in';

/** The ready signal of the server convention (see bench/run.mjs). */
export function ready(port = PORT) {
  process.send?.({ ready: true, port });
}
