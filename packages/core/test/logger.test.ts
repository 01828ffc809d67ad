// app.logger as Flask's: named after the app, level from DEBUG, a default handler to stderr that can be replaced (issue 16).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App, AppLogger, formatLogRecord, type LogRecord } from '@micro/core';

/** The app's logger with its records caught instead of written. */
function recordingApp(options: ConstructorParameters<typeof App>[0] = {}): { app: App; logger: AppLogger; records: LogRecord[] } {
  const app = new App(options);
  const logger = app.logger as AppLogger;
  const records: LogRecord[] = [];
  logger.handler = (record) => records.push(record);
  return { app, logger, records };
}

describe('app.logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it("is an AppLogger named after the app, writing Flask's format to stderr", () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const app = new App({ name: 'flaskr' });
    expect(app.logger).toBeInstanceOf(AppLogger);
    expect((app.logger as AppLogger).name).toBe('flaskr');
    app.logger.error('Exception on / [GET]');
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]![0])).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] ERROR in flaskr: Exception on \/ \[GET\]\n$/);
  });

  it('writes debug lines only under DEBUG, read when each line is logged', () => {
    const { app, records } = recordingApp();
    app.logger.debug!('hidden');
    app.logger.info('shown');
    app.config.DEBUG = true;
    app.logger.debug!('now shown');
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['info', 'shown'],
      ['debug', 'now shown'],
    ]);
  });

  it('takes a pinned level over DEBUG', () => {
    const { app, logger, records } = recordingApp({ config: { DEBUG: true } });
    logger.level = 'warn';
    app.logger.info('hidden');
    app.logger.warn('shown');
    expect(records.map((r) => r.message)).toEqual(['shown']);
    expect(logger.isEnabledFor('error')).toBe(true);
    expect(logger.isEnabledFor('debug')).toBe(false);
  });

  it('formats arguments as console does, an error with its stack', () => {
    const { app, records } = recordingApp({ name: 'x' });
    app.logger.error('Exception on /boom [GET]', new Error('boom'));
    app.logger.warn('%d keys', 2, { a: 1 });
    expect(records[0]!.message).toMatch(/^Exception on \/boom \[GET\] Error: boom\n\s+at /);
    expect(records[1]!.message).toBe('2 keys { a: 1 }');
    expect(records[1]!.args).toEqual(['%d keys', 2, { a: 1 }]);
  });

  it('has bound methods, so it can be spread or destructured as console can', () => {
    const { app, records } = recordingApp();
    const { warn } = app.logger;
    warn('destructured');
    const errors: unknown[] = [];
    app.logger = { ...app.logger, error: (...args: unknown[]) => errors.push(args) };
    app.logger.info('spread');
    app.logger.error('replaced');
    expect(records.map((r) => r.message)).toEqual(['destructured', 'spread']);
    expect(errors).toEqual([['replaced']]);
  });

  it('is replaced by assigning any Logger, which then gets the app\'s errors', async () => {
    const app = new App();
    const lines: unknown[][] = [];
    app.logger = { error: (...a) => lines.push(a), warn: (...a) => lines.push(a), info: (...a) => lines.push(a) };
    app.get('/', () => {
      throw new Error('boom');
    });
    expect((await app.testClient().get('/')).status).toBe(500);
    expect(lines[0]![0]).toBe('Exception on / [GET]');
  });

  it('formatLogRecord uses Python level names', () => {
    const time = new Date(2025, 0, 2, 3, 4, 5, 6);
    expect(formatLogRecord({ name: 'a', level: 'warn', message: 'm', args: [], time })).toBe('[2025-01-02 03:04:05,006] WARNING in a: m');
  });
});
