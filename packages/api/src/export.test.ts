import { describe, expect, it } from 'vitest';
import { exportFilename } from './export';

describe('export file names', () => {
  const now = new Date('2026-11-29T16:40:12.345Z');

  it('say the range the file holds, open ends as the log start and the export time', () => {
    expect(exportFilename('csv', {}, now)).toBe('audit-log_start_to_2026-11-29T16-40-12Z.csv');
    expect(
      exportFilename('json', { from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' }, now),
    ).toBe('audit-log_2026-11-01T00-00-00Z_to_2026-11-08T00-00-00Z.json');
  });

  it("narrow the filter's bounds by the search's created: terms", () => {
    const filter = {
      from: '2026-10-01T00:00:00Z',
      q: 'action:auth.* created:2026-11-03..2026-11-04',
    };
    expect(exportFilename('csv', filter, now)).toBe(
      'audit-log_2026-11-03T00-00-00Z_to_2026-11-05T00-00-00Z.csv',
    );
  });
});
