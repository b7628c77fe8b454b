import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, signIn } from './accounts';

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Event rows (focusable), not the placeholders shown while a page loads.
const rows = (page: Page) => page.locator('table.events tbody tr[tabindex]');
// The rows shown are the current view's, not the previous one's kept while it loads.
const settled = (page: Page) => expect(page.locator('table.events tbody.stale')).toHaveCount(0);
const column = (page: Page, index: number) =>
  page.locator(`table.events tbody tr[tabindex] td:nth-child(${index})`);
// How many events the table has loaded, from the line under it. Scrolling loads more on
// its own, so a test asks for at least so many, not exactly.
const loaded = async (page: Page) =>
  Number(
    /([\d,]+) events? loaded/
      .exec((await page.locator('.load-more').textContent()) ?? '')?.[1]
      ?.replaceAll(',', '') ?? 0,
  );
// The first rows' cells: how many rows are drawn depends on the layout (the table is
// virtualised), the first ten are always there.
const firstTen = (page: Page, index: number) =>
  column(page, index).evaluateAll((cells) => cells.slice(0, 10).map((c) => c.textContent ?? ''));

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN);
});

async function applyFilters(page: Page, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) {
    await page
      .getByRole('form', { name: 'Filters' })
      .getByLabel(label, { exact: true })
      .fill(value);
  }
  await page.getByRole('button', { name: 'Apply' }).click();
}

test('an auditor filters by action and date range, scrolls to older events, and downloads the CSV', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByText('100 events loaded; scroll for older ones')).toBeVisible();
  const drawn = await rows(page).count();
  expect(drawn).toBeGreaterThan(10);
  expect(drawn).toBeLessThan(100);

  // Scrolling on loads older events under the newer ones, still newest first.
  const drawnTimes = () =>
    page
      .locator('table.events tbody time')
      .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
  const top = (await drawnTimes())[0] as string;
  await page.mouse.wheel(0, 100_000);
  await expect.poll(() => loaded(page)).toBeGreaterThanOrEqual(200);
  await page.mouse.wheel(0, 100_000);
  const deeper = await drawnTimes();
  expect(deeper.every((t) => t < top)).toBe(true);
  expect([...deeper].sort().reverse()).toEqual(deeper);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.locator('table.events tbody time').first()).toHaveAttribute('datetime', top);

  // Filter by action: every row shown is that action. Until applied, the edit is flagged.
  const filters = page.getByRole('form', { name: 'Filters' });
  await filters.getByLabel('Action', { exact: true }).fill('user.deleted');
  await expect(filters.getByRole('status')).toHaveText(
    'Not applied yet: the table and the downloads show the applied view',
  );
  await applyFilters(page, { Action: 'user.deleted' });
  await expect(filters.getByRole('status')).toHaveCount(0);
  await settled(page);
  await expect(column(page, 3).first()).toHaveText('user.deleted');
  const actions = await column(page, 3).allTextContents();
  expect(new Set(actions)).toEqual(new Set(['user.deleted']));
  // How many match, from the count above the table (only some rows are drawn).
  const total = page.getByRole('status').filter({ hasText: /matching events?$/ });
  const matching = async () => Number((await total.textContent())?.replace(/\D/g, ''));
  await expect(total).toHaveText(/^[\d,]+ matching events?$/);
  const allDeletions = await matching();

  // Narrow to a ten-day window well inside the demo data's thirty days, from the
  // calendar's fields (bounds are instants in the URL; the "until" one is excluded).
  const from = utcDay(Date.now() - 20 * DAY);
  const until = utcDay(Date.now() - 10 * DAY);
  await applyFilters(page, { From: `${from}T00:00`, Until: `${until}T00:00` });
  await expect(page).toHaveURL(
    new RegExp(`from=${from}T00%3A00%3A00.000Z&to=${until}T00%3A00%3A00.000Z`),
  );
  await settled(page);
  await expect.poll(matching).toBeLessThan(allDeletions);
  const times = await page
    .locator('table.events tbody time')
    .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThan(0);
  for (const time of times) {
    expect(time >= `${from}T00:00:00.000Z`).toBe(true);
    expect(time < `${until}T00:00:00.000Z`).toBe(true);
  }

  // The CSV holds exactly what the filter matches, as the API counts it.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(
    `audit-log_${from}T00-00-00Z_to_${until}T00-00-00Z.csv`,
  );
  const csv = await readFile((await download.path()) as string, 'utf8');
  const [header, ...lines] = csv.trimEnd().split('\n');
  expect(header?.split(',').slice(0, 7)).toEqual([
    'id',
    'seq',
    'createdAt',
    'actorId',
    'actorEmail',
    'actorType',
    'action',
  ]);
  const input = {
    filter: {
      action: 'user.deleted',
      from: `${from}T00:00:00.000Z`,
      to: `${until}T00:00:00.000Z`,
    },
    limit: 500,
  };
  const api = await page.request.get(
    `/trpc/query?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  const matched = (await api.json()).result.data.events as { id: string }[];
  expect(lines).toHaveLength(matched.length);
  expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(matched.map((e) => e.id).sort());
  for (const line of lines) expect(line.split(',')[6]).toBe('user.deleted');
});

test('from the keyboard: an event opens with its changes as a diff, narrows the view, and closes', async ({
  page,
}) => {
  await page.goto('/?action=user.role_changed');
  await expect(rows(page).first()).toBeVisible();
  await page.locator('body').press('j');
  await page.keyboard.press('j');
  await expect(rows(page).nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  await expect(detail.getByRole('heading', { name: 'user.role_changed' })).toBeVisible();
  // Before, then after; the changed field marked.
  const role = detail.locator('table.changes tr', {
    has: page.getByRole('rowheader', { name: 'role' }),
  });
  await expect(role).toHaveClass('changed');
  const [was, now] = await role.locator('td').allTextContents();
  expect(was).not.toBe(now);

  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(rows(page).nth(1)).toBeFocused();

  // "Show only this actor" narrows the view to them.
  await page.keyboard.press('Enter');
  const actorId = (await rows(page)
    .nth(1)
    .locator('td')
    .nth(1)
    .locator('span')
    .first()
    .getAttribute('title')) as string;
  await detail.getByRole('button', { name: 'Show only this actor' }).click();
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue(`actor:${actorId}`);
  await expect(page).toHaveURL(/action=user\.role_changed/);

  await page.locator('body').press('/');
  await expect(page.getByRole('combobox', { name: 'Search' })).toBeFocused();
});

test('an invalid filter shows the server’s reason and no rows', async ({ page }) => {
  await page.goto('/');
  await applyFilters(page, { Action: 'Not An Action' });
  await expect(page.getByRole('alert')).toContainText('must be an action name');
});

test('an auditor verifies the whole log and sees an event’s proof checked in the browser', async ({
  page,
}) => {
  await page.goto('/');
  const integrity = page.getByRole('region', { name: 'Integrity' });
  await expect(integrity).toContainText(/Signed checkpoint: 3,\d{3} events/);
  await integrity.getByRole('button', { name: 'Verify' }).click();
  await expect(integrity.getByRole('status')).toContainText(
    /Intact: all 3,\d{3} events match their hashes and \d+ signed checkpoints?/,
  );
  await expect(integrity).toContainText(/Last verified .*: intact/);

  await rows(page).nth(3).click();
  await expect(page.getByTestId('proof-badge')).toHaveText(
    /✓ Proven: included in the signed checkpoint of [\d,]+ events/,
  );
});

test('on a slow link, nothing says "no events" or "never" before the answer arrives', async ({
  page,
}) => {
  let delayMs = 1500;
  await page.route('**/trpc/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await route.fallback();
  });
  await page.goto('/');
  const integrity = page.getByRole('region', { name: 'Integrity' });
  await expect(page.getByRole('status').filter({ hasText: 'Loading…' })).toBeVisible();
  await expect(integrity).toContainText('Loading the latest checkpoint…');
  await expect(integrity).toContainText('Looking up the last verification…');
  await expect(page.getByText('No events')).toHaveCount(0);
  await expect(page.getByText(/Never verified|No checkpoint signed yet/)).toHaveCount(0);
  await expect(page.getByText('100 events loaded; scroll for older ones')).toBeVisible();
  await expect(integrity).toContainText(/Signed checkpoint: 3,\d{3} events/);

  // A new filter: the old rows stay, dimmed and labelled, until the new ones arrive.
  delayMs = 2500;
  await applyFilters(page, { Action: 'auth.*' });
  await expect(page.getByText('Updating: these rows are from the previous filter…')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load older events' })).toBeDisabled();
  await expect(page.getByText('Updating: these rows')).toBeHidden();
  for (const action of await column(page, 3).allTextContents()) expect(action).toMatch(/^auth\./);
  await expect(page.getByRole('button', { name: 'Load older events' })).toBeEnabled();
});

test('an auditor searches in the query language, sees a mistake underlined, and keeps the view on reload', async ({
  page,
}) => {
  await page.goto('/');
  await expect(rows(page).first()).toBeVisible();
  const box = page.getByRole('combobox', { name: 'Search' });

  // Qualifiers are offered as the word is typed; Enter takes the highlighted one.
  await box.fill('outc');
  await expect(page.getByRole('option', { name: 'outcome:' })).toBeVisible();
  await box.press('Enter');
  await expect(box).toHaveValue('outcome:');
  await box.pressSequentially('maybe');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toHaveText(
    'Search, at character 9: an outcome is success or failure',
  );
  await expect(page.locator('.search-mirror mark')).toHaveText('maybe');

  // Applying a search with a mistake changes nothing on screen.
  const before = await firstTen(page, 3);
  await page.getByRole('button', { name: 'Apply' }).click();
  expect(await firstTen(page, 3)).toEqual(before);

  await box.fill('action:auth.* -outcome:success');
  await expect(box).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=action%3Aauth\.\*\+-outcome%3Asuccess/);
  await settled(page);
  await expect(column(page, 3).first()).toHaveText(/^auth\./);
  const shown = await column(page, 3).allTextContents();
  expect(shown.length).toBeGreaterThan(0);
  for (const action of shown) expect(action).toMatch(/^auth\./);
  await expect(page.locator('table.events tbody .action:not(.failure)')).toHaveCount(0);

  await page.reload();
  await expect(box).toHaveValue('action:auth.* -outcome:success');
  await expect.poll(() => firstTen(page, 3)).toEqual(shown.slice(0, 10));

  // The download is of the same search.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download JSON' }).click();
  const json = await readFile((await (await downloading).path()) as string, 'utf8');
  const exported = JSON.parse(json) as { action: string; outcome: string }[];
  expect(exported.length).toBeGreaterThanOrEqual(shown.length);
  for (const event of exported) {
    expect(event.action).toMatch(/^auth\./);
    expect(event.outcome).toBe('failure');
  }
});

test('an auditor picks and excludes facet values and sees the counts follow', async ({ page }) => {
  await page.goto('/');
  const facets = page.getByRole('navigation', { name: 'Facets' });
  const outcome = facets.getByRole('region', { name: 'Outcome facet' });
  const total = page.getByRole('status').filter({ hasText: /matching events?$/ });
  await expect(total).toHaveText(/^[\d,]+ matching events$/);
  const all = Number((await total.textContent())?.replace(/\D/g, ''));
  const failures = Number(
    (
      await outcome
        .locator('.facet-value')
        .filter({ hasText: 'failure' })
        .locator('.facet-count')
        .textContent()
    )?.replace(/\D/g, ''),
  );
  expect(failures).toBeGreaterThan(0);

  // Picking a value narrows the view and the total, and is written into the search.
  await outcome.getByRole('button', { name: 'failure', exact: true }).click();
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue('outcome:failure');
  await expect(total).toHaveText(`${failures.toLocaleString('en')} matching events`);
  await expect(outcome.getByRole('button', { name: 'failure', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  // The outcome facet still counts both outcomes, so the other can be picked instead.
  await expect(outcome.getByRole('button', { name: 'success', exact: true })).toBeVisible();

  // Excluding it instead leaves every other event.
  await outcome.getByRole('button', { name: 'Exclude failure' }).click();
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue('-outcome:failure');
  await expect(total).toHaveText(`${(all - failures).toLocaleString('en')} matching events`);
  await expect(page.locator('table.events tbody tr[tabindex] .action.failure')).toHaveCount(0);

  // An action domain's heading selects the whole domain.
  const action = facets.getByRole('region', { name: 'Action facet' });
  await action.getByRole('button', { name: 'auth.*', exact: true }).click();
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue(
    '-outcome:failure action:auth.*',
  );
  await settled(page);
  await expect(column(page, 3).first()).toHaveText(/^auth\./);
  for (const name of await column(page, 3).allTextContents()) expect(name).toMatch(/^auth\./);

  // A long list is searched: an actor beyond the eight shown is found by part of a name.
  const actor = facets.getByRole('region', { name: 'Actor facet' });
  const shown = await actor.locator(':scope > .facet-value .facet-name').allTextContents();
  await actor.getByRole('searchbox', { name: 'Find actor' }).fill('SVC_');
  const found = actor.getByRole('region', { name: 'Actor values containing “SVC_”' });
  await expect(found.locator('.facet-value').first()).toBeVisible();
  const names = await found.locator('.facet-name').allTextContents();
  for (const name of names) expect(name.toLowerCase()).toContain('svc_');
  const pick = names.find((name) => !shown.includes(name)) ?? (names[0] as string);
  await found.getByRole('button', { name: pick, exact: true }).click();
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue(
    `-outcome:failure action:auth.* actor:${pick}`,
  );
  await settled(page);
  for (const name of await column(page, 2).allTextContents()) expect(name).toContain(pick);
});

test('on a phone the log fits the screen: no sideways scroll, facets folded, events as cards', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?q=action%3Aauth.*');
  await expect(rows(page).first()).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
  const facets = page.getByRole('navigation', { name: 'Facets' });
  await expect(facets.getByRole('region', { name: 'Outcome facet' })).toBeHidden();
  await facets.getByText('Facets').click();
  await expect(facets.getByRole('region', { name: 'Outcome facet' })).toBeVisible();
  // A card shows every field whole: the action is not cut short.
  const action = column(page, 3).first();
  expect(await action.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await expect(page.locator('table.events thead')).toBeHidden();

  // An event opens as a sheet over the whole screen, wherever in the list it was.
  await page.mouse.wheel(0, 2000);
  await rows(page).nth(20).click();
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  expect(await detail.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  await detail.getByRole('button', { name: 'Close detail' }).click();
  await expect(detail).toBeHidden();
});

test('the view lives in the URL: back, forward and a visit to Users keep it', async ({ page }) => {
  await page.goto('/');
  const box = page.getByRole('combobox', { name: 'Search' });
  const range = page.getByRole('combobox', { name: /^Range/ });
  await box.fill('action:auth.*');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*$/);
  await range.selectOption('7d');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*&range=7d$/);
  const recent = await firstTen(page, 1);

  await page.goBack();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*$/);
  await expect(range).toHaveValue('');
  await expect(box).toHaveValue('action:auth.*');
  await page.goForward();
  await expect(range).toHaveValue('7d');

  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await page.getByRole('link', { name: 'Log' }).click();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*&range=7d$/);
  await expect(box).toHaveValue('action:auth.*');
  await expect.poll(() => firstTen(page, 1)).toEqual(recent);
});

test('an auditor narrows the range by dragging across the histogram', async ({ page }) => {
  await page.goto('/');
  const chart = page.getByRole('img', { name: /^Events over time/ });
  await expect(chart).toBeVisible();
  const box = (await chart.boundingBox()) as {
    x: number;
    y: number;
    width: number;
    height: number;
  };
  // From a third of the way across to two thirds.
  await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + (box.width * 2) / 3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();

  const search = page.getByRole('combobox', { name: 'Search' });
  await expect(search).toHaveValue(/^created:>=\S+ created:<\S+$/);
  const [, from, to] = /created:>=(\S+) created:<(\S+)/.exec(await search.inputValue()) ?? [];
  await expect(page).toHaveURL(/q=created/);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
  const times = await page
    .locator('table.events tbody tr[tabindex] time')
    .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
  expect(times.length).toBeGreaterThan(0);
  for (const time of times) {
    expect(Date.parse(time)).toBeGreaterThanOrEqual(Date.parse(from as string));
    expect(Date.parse(time)).toBeLessThan(Date.parse(to as string));
  }
});

test('live tail: an event logged by another client appears on top, once', async ({ page }) => {
  await page.goto('/?q=action%3Abilling.*');
  await expect(rows(page).first()).toBeVisible();
  await page.getByLabel('Live: new events appear on top').check();

  const key = await page.request.post('/trpc/apiKeys.create', {
    data: { name: 'live tail test', scopes: ['log:write'] },
  });
  const secret = (await key.json()).result.data.secret as string;
  const send = (action: string, actorId: string) =>
    page.request.post('/trpc/logAction', {
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      data: { actorId, actorEmail: '', actorType: 'service', action },
    });
  expect((await send('document.viewed', 'svc_not_billing')).status()).toBe(200);
  expect((await send('billing.plan_changed', 'svc_live_tail')).status()).toBe(200);

  const arrived = page.locator('table.events tbody tr[tabindex]', { hasText: 'svc_live_tail' });
  await expect(arrived).toHaveCount(1);
  await expect(rows(page).first()).toContainText('svc_live_tail');
  await expect(page.locator('table.events tbody tr', { hasText: 'svc_not_billing' })).toHaveCount(
    0,
  );
  // Still once after the page's own data is fetched again.
  await page.waitForTimeout(1500);
  await expect(arrived).toHaveCount(1);
});

test('times say their zone, and switch between local and UTC for good', async ({ page }) => {
  await page.goto('/');
  const firstTime = page.locator('table.events tbody tr[tabindex] time').first();
  await expect(firstTime).toBeVisible();
  const iso = (await firstTime.getAttribute('datetime')) as string;
  await page.getByLabel('Times in').selectOption('utc');
  const utc = new Date(iso).toISOString().slice(11, 19); // hh:mm:ss in UTC
  const [h, m, sec] = utc.split(':').map(Number) as [number, number, number];
  const twelve = `${String(h % 12 || 12).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  await expect(firstTime).toHaveText(new RegExp(`(${utc}|${twelve} [AP]M) UTC$`));
  await page.reload();
  await expect(page.getByLabel('Times in')).toHaveValue('utc');
  await expect(page.locator('table.events tbody tr[tabindex] time').first()).toHaveText(/UTC$/);
});

test('an open event is part of the link: reload keeps it, and a link opens one from any page', async ({
  page,
}) => {
  await page.goto('/?q=action%3Aauth.*');
  await rows(page).nth(2).click();
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  const id = (await rows(page).nth(2).getAttribute('data-id')) as string;
  await expect(page).toHaveURL(new RegExp(`event=${id}`));
  await page.reload();
  await expect(detail).toContainText(id);

  // An event from the second page, opened by a link to it alone.
  await page.goto('/');
  await page.getByRole('button', { name: 'Load older events' }).click();
  await expect.poll(() => loaded(page)).toBeGreaterThanOrEqual(200);
  await page.mouse.wheel(0, 100_000);
  const older = (await rows(page).last().getAttribute('data-id')) as string;
  await page.goto(`/?event=${older}`);
  await expect(detail).toContainText(older);
  await expect(page.getByTestId('proof-badge')).toHaveText(/✓ Proven/);
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(page).not.toHaveURL(/event=/);
});

test('the whole log scrolls by with only the rows on screen drawn, and columns and density stay as chosen', async ({
  page,
}) => {
  await page.goto('/');
  const end = page.getByText(/^All [\d,]+ events of this view are shown$/);
  for (let i = 0; i < 200 && !(await end.isVisible()); i++) {
    await page.mouse.wheel(0, 20_000);
    await page.waitForTimeout(30);
  }
  await expect(end).toBeVisible();
  const total = Number(((await end.textContent()) as string).replace(/\D/g, ''));
  expect(total).toBeGreaterThan(3000);
  // Thousands loaded, a screenful (and its margins) drawn.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  expect(await rows(page).count()).toBeLessThan(100);
  const last = rows(page).last();
  await expect(last).toHaveAttribute('aria-rowindex', String(total + 1));
  await last.focus();
  await page.keyboard.press('k');
  await expect(page.locator(`tr[aria-rowindex="${total}"]`)).toBeFocused();

  const settings = page.getByText('Columns and density');
  await settings.click();
  await page.getByRole('checkbox', { name: 'IP' }).uncheck();
  await page.getByLabel('Density').selectOption('compact');
  const headers = page.locator('table.events thead th');
  await expect(headers).toHaveText(['Time ↓', 'Actor', 'Action', 'Outcome', 'Resource']);
  const height = () =>
    rows(page)
      .first()
      .evaluate((el) => el.getBoundingClientRect().height);
  const compact = await height();
  await page.reload();
  await expect(headers).toHaveText(['Time ↓', 'Actor', 'Action', 'Outcome', 'Resource']);
  expect(await height()).toBe(compact);
  await settings.click();
  await page.getByLabel('Density').selectOption('comfortable');
  expect(await height()).toBeGreaterThan(compact);
  await page.getByRole('checkbox', { name: 'IP' }).check();
  await expect(headers).toHaveText(['Time ↓', 'Actor', 'Action', 'Outcome', 'Resource', 'IP']);
});

test('time sorts both ways on the server, in the URL, with live tail only newest first', async ({
  page,
}) => {
  await page.goto('/?q=action%3Auser.*');
  const firstTime = () => page.locator('table.events tbody time').first().getAttribute('datetime');
  await expect(rows(page).first()).toBeVisible();
  const newest = (await firstTime()) as string;
  await page.getByRole('button', { name: 'Time ↓' }).click();
  await expect(page).toHaveURL(/\?q=action%3Auser\.\*&sort=oldest$/);
  await settled(page);
  await expect(page.getByRole('columnheader', { name: 'Time ↑' })).toHaveAttribute(
    'aria-sort',
    'ascending',
  );
  const oldest = (await firstTime()) as string;
  expect(oldest < newest).toBe(true);
  await expect(page.getByText('100 events loaded; scroll for newer ones')).toBeVisible();
  await page.mouse.wheel(0, 100_000);
  await expect.poll(() => loaded(page)).toBeGreaterThanOrEqual(200);
  await expect(page.locator('.load-more')).toContainText('scroll for newer ones');
  const times = await page
    .locator('table.events tbody time')
    .evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''));
  expect([...times].sort()).toEqual(times);
  await expect(page.getByLabel('Live: new events appear on top')).toBeDisabled();

  await page.reload();
  await expect(page.getByRole('button', { name: 'Time ↑' })).toBeVisible();
  await expect.poll(firstTime).toBe(oldest);
  await page.getByRole('button', { name: 'Time ↑' }).click();
  await expect(page).toHaveURL(/\?q=action%3Auser\.\*$/);
  await expect.poll(firstTime).toBe(newest);
});
