import { formatWithOptions } from 'node:util';

/** The levels of `app.logger`, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Python's level names, as Flask's log lines show them. */
const LEVEL_NAMES: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

/** One call to the logger, as a handler receives it. */
export interface LogRecord {
  /** The logger's name: the app's name. */
  readonly name: string;
  readonly level: LogLevel;
  /** The arguments, formatted as `console.log` formats them (an error shows its stack). */
  readonly message: string;
  /** The arguments as passed, for handlers that format their own way. */
  readonly args: readonly unknown[];
  readonly time: Date;
}

/** Where an AppLogger sends the records that pass its level. */
export type LogHandler = (record: LogRecord) => void;

/** What an AppLogger reads from its app, each time it logs. */
export interface LoggerOwner {
  readonly name: string;
  readonly debug: boolean;
}

/**
 * Flask's default format, `[%(asctime)s] %(levelname)s in %(module)s: %(message)s`,
 * with the app's name where Flask puts the module:
 * `[2025-05-01 12:00:00,123] ERROR in flaskr: Exception on / [GET]`.
 */
export function formatLogRecord(record: LogRecord): string {
  const t = record.time;
  const two = (n: number) => String(n).padStart(2, '0');
  const asctime =
    `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ` +
    `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())},${String(t.getMilliseconds()).padStart(3, '0')}`;
  return `[${asctime}] ${LEVEL_NAMES[record.level]} in ${record.name}: ${record.message}`;
}

/** Flask's `default_handler`: one formatted line (and an error's stack) to stderr. */
export const defaultHandler: LogHandler = function defaultHandler(record) {
  process.stderr.write(`${formatLogRecord(record)}\n`);
};

/**
 * The app's logger (Flask's `app.logger`): named after the app, at level
 * `debug` while `DEBUG` is on and `info` otherwise, writing through
 * `defaultHandler` to stderr. Set `level` to pin a level, `handler` to send
 * records elsewhere, or assign any object with error/warn/info(/debug) to
 * `app.logger` to replace it (pino, winston, `console`).
 *
 * Unlike Flask, whose logger inherits Python's root level (WARNING), info
 * lines show by default: Node's `console.info` prints, and so does micro.
 * The methods are bound, as `console`'s are, so `const { warn } = app.logger`
 * and `{ ...app.logger, error }` work.
 */
export class AppLogger {
  /** The lowest level written; `undefined` follows the app: `debug` under DEBUG, else `info`. */
  level: LogLevel | undefined = undefined;
  /** Receives each record that passes the level. Default `defaultHandler` (stderr). */
  handler: LogHandler = defaultHandler;

  constructor(private readonly owner: LoggerOwner) {}

  /** The app's name, read when a line is written (the app may be renamed after the logger is made). */
  get name(): string {
    return this.owner.name;
  }

  /** Whether a call at `level` would be written now. */
  isEnabledFor(level: LogLevel): boolean {
    const threshold = this.level ?? (this.owner.debug ? 'debug' : 'info');
    return SEVERITY[level] >= SEVERITY[threshold];
  }

  readonly error = (...args: unknown[]): void => this.log('error', args);
  readonly warn = (...args: unknown[]): void => this.log('warn', args);
  readonly info = (...args: unknown[]): void => this.log('info', args);
  readonly debug = (...args: unknown[]): void => this.log('debug', args);

  private log(level: LogLevel, args: unknown[]): void {
    if (!this.isEnabledFor(level)) return;
    const message = formatWithOptions({ colors: false }, ...args);
    this.handler({ name: this.name, level, message, args, time: new Date() });
  }
}
