/** The strftime filter against Python 3's datetime.strftime (outputs recorded from CPython, C locale). */
import { describe, expect, it } from 'vitest';
import { strftime } from '@micro/templates';

const EVERY = '%a %A %b %h %B %c %d %e %f %H %I %j %m %M %p %S %u %w %x %X %y %Y [%z] [%Z] %% %Q';

describe('strftime', () => {
  it("formats every directive as Python's datetime.strftime (naive datetime, UTC fields)", () => {
    // python3 -c "from datetime import datetime; print(datetime(2018,1,1,0,0,0,123000).strftime(EVERY))"
    expect(strftime(new Date(Date.UTC(2018, 0, 1, 0, 0, 0, 123)), EVERY)).toBe(
      'Mon Monday Jan Jan January Mon Jan  1 00:00:00 2018 01  1 123000 00 12 001 01 00 AM 00 1 1 01/01/18 00:00:00 18 2018 [] [] % %Q',
    );
    // python3 -c "from datetime import datetime; print(datetime(2024,12,31,23,5,9).strftime(EVERY))"
    expect(strftime(Date.UTC(2024, 11, 31, 23, 5, 9), EVERY)).toBe(
      'Tue Tuesday Dec Dec December Tue Dec 31 23:05:09 2024 31 31 000000 23 11 366 12 05 PM 09 2 2 12/31/24 23:05:09 24 2024 [] [] % %Q',
    );
  });

  it('reads SQLite timestamps (no zone) as UTC, and ISO text with a zone as given', () => {
    expect(strftime('2018-01-01 00:00:00', '%Y-%m-%d %H:%M')).toBe('2018-01-01 00:00');
    expect(strftime('2018-01-01', '%d/%m/%Y %H')).toBe('01/01/2018 00');
    expect(strftime('2018-01-01T10:00:00+02:00', '%H')).toBe('08');
  });

  it('refuses what is not a date', () => {
    expect(() => strftime(null, '%Y')).toThrow(/expected a Date/);
    expect(() => strftime('soon', '%Y')).toThrow(/invalid date "soon"/);
  });
});
