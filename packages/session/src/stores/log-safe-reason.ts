/**
 * What a log line may say about a driver's error: its code, its class and a
 * fixed phrase, never its message as a whole. knex writes the failed statement
 * in front of the driver's message with every bound value inlined (the row key,
 * the session's data), and fs errors name the file (a hash of the session id).
 */

/** Fixed driver phrases that carry no values: enough to tell a lock from a lost connection. */
const KNOWN_PHRASES =
  /database is locked|database table is locked|Connection terminated unexpectedly|Connection terminated|terminating connection due to administrator command|Connection is closed|Connection lost|The server closed the connection|connection error|Pool (?:is )?destroyed|Unable to acquire a connection|Timeout acquiring a connection|unable to open database file|disk I\/O error|database or disk is full|attempt to write a readonly database/i;

/** E.g. `SQLITE_BUSY: database is locked`, `ECONNREFUSED`, `EACCES (open)`, `KnexTimeoutError: Timeout acquiring a connection`. */
export function logSafeReason(err: unknown): string {
  if (!(err instanceof Error)) return typeof err === 'string' && KNOWN_PHRASES.test(err) ? KNOWN_PHRASES.exec(err)![0] : 'unknown error';
  const e = err as Error & { code?: unknown; syscall?: unknown };
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  const label = code || (e.name && e.name !== 'Error' ? e.name : '');
  const phrase = KNOWN_PHRASES.exec(e.message)?.[0];
  const syscall = typeof e.syscall === 'string' ? ` (${e.syscall})` : '';
  if (label && phrase) return `${label}: ${phrase}${syscall}`;
  return (label || phrase || 'unknown error') + syscall;
}
