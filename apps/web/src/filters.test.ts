import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, exportHref, filterFromForm, formFromSearch, searchFromForm } from './filters';

describe('filter form', () => {
  it('survives a round trip through the URL', () => {
    const form = {
      ...EMPTY_FORM,
      q: 'action:user.* -outcome:success "a b"',
      actor: 'ada@example.com',
      from: '2026-11-01',
    };
    expect(formFromSearch(searchFromForm(form))).toEqual({ form, problems: [] });
    expect(searchFromForm(EMPTY_FORM)).toBe('');
  });

  it('names each parameter of a link it cannot use, and keeps the others', () => {
    const { form, problems } = formFromSearch(
      '?q=colour:red&actor=ada&range=2w&from=1+Jan&page=2&event=42',
    );
    expect(form).toEqual({ ...EMPTY_FORM, actor: 'ada' });
    expect(problems).toEqual([
      expect.stringMatching(
        /^The link's search "colour:red" was left out: at characters 1-6 .*unknown qualifier "colour"/,
      ),
      expect.stringMatching(/^The link's range "2w" was left out: .*"15m"/),
      `The link's "from" bound "1 Jan" was left out: must be a day (yyyy-mm-dd) or an ISO 8601 instant.`,
      `The link's parameter "page" means nothing here and was left out.`,
      `The link's event "42" is not an event id and was left out.`,
    ]);
    expect(formFromSearch('?range=7d&from=2026-01-01')).toEqual({
      form: { ...EMPTY_FORM, range: '7d' },
      problems: [`The link has both a relative range and days; the range "7d" is used.`],
    });
  });

  it('turns whole days into a half-open range that includes the "to" day', () => {
    const filter = filterFromForm({ ...EMPTY_FORM, from: '2026-11-01', to: '2026-11-03' });
    expect(new Date(filter.from as string).getDate()).toBe(1);
    const to = new Date(filter.to as string);
    expect([to.getDate(), to.getHours(), to.getMinutes()]).toEqual([4, 0, 0]);
  });

  it('takes instants as they are, "to" excluded, and names a bound that is neither', () => {
    const form = { ...EMPTY_FORM, from: '2026-11-01T09:30:00.000Z', to: '2026-11-02T00:00:00Z' };
    expect(formFromSearch(searchFromForm(form))).toEqual({ form, problems: [] });
    expect(filterFromForm(form)).toEqual({
      from: '2026-11-01T09:30:00.000Z',
      to: '2026-11-02T00:00:00Z',
    });
    expect(formFromSearch('?to=yesterday').problems).toEqual([
      `The link's "to" bound "yesterday" was left out: must be a day (yyyy-mm-dd) or an ISO 8601 instant.`,
    ]);
  });

  it('keeps a relative range relative: it starts that long before now, to the minute', () => {
    const now = Date.parse('2026-11-29T12:34:56Z');
    const form = { ...EMPTY_FORM, range: '24h' };
    expect(filterFromForm(form, now)).toEqual({ from: '2026-11-28T12:34:00.000Z' });
    expect(filterFromForm(form, now + 60_000).from).toBe('2026-11-28T12:35:00.000Z');
  });

  it('splits "type:id" into a resource filter', () => {
    expect(filterFromForm({ ...EMPTY_FORM, resource: 'user:u_42' })).toEqual({
      resourceType: 'user',
      resourceId: 'u_42',
    });
    expect(filterFromForm({ ...EMPTY_FORM, resource: 'document' })).toEqual({
      resourceType: 'document',
    });
    expect(filterFromForm({ ...EMPTY_FORM, resource: 'bucket:arn:aws:s3:::logs' })).toEqual({
      resourceType: 'bucket',
      resourceId: 'arn:aws:s3:::logs',
    });
  });

  it('builds download links carrying the filter', () => {
    expect(exportHref({ action: 'user.*', actor: 'u 1' }, 'json')).toBe(
      '/export?format=json&action=user.*&actor=u+1',
    );
  });
});
