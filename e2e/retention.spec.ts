import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './accounts';

const DAY = 86_400_000;
// The e2e server allows periods from 8 days (RETENTION_MIN_DAYS) and runs only on demand.
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test('an admin edits the policy, previews it, places a hold, runs it, and finds all of it in the log', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Retention' }).click();
  const policy = page.getByRole('region', { name: 'Retention policy' });
  await expect(policy.getByRole('status')).toHaveText('This policy deletes nothing now.');

  // A hold on invoices paid 25 to 20 days ago.
  const hold = page.getByRole('form', { name: 'New legal hold' });
  await hold.getByLabel('Reason').fill('audit of Q4 invoices');
  await hold.getByLabel('Action').fill('billing.invoice_paid');
  await hold.getByLabel('From').fill(localInput(Date.now() - 25 * DAY));
  await hold.getByLabel('Until').fill(localInput(Date.now() - 20 * DAY));
  await hold.getByRole('button', { name: 'Place hold' }).click();
  const holds = page.getByRole('region', { name: 'Legal holds' });
  await expect(holds.getByRole('cell', { name: 'audit of Q4 invoices' })).toBeVisible();

  // Paid invoices kept 10 days: the preview says how many go and how many the hold keeps.
  await policy.getByRole('button', { name: 'Add override' }).click();
  const override = policy.getByRole('group', { name: 'Override 1' });
  await override.getByLabel('Action').fill('billing.invoice_paid');
  await override.getByLabel('Keep').fill('5');
  await expect(policy.getByRole('alert')).toHaveText(
    '5 days is below the floor of 8 days this server is set to.',
  );
  await expect(policy.getByRole('button', { name: 'Save policy…' })).toBeDisabled();
  await override.getByLabel('Keep').fill('10');
  await expect(policy.getByRole('alert')).toHaveCount(0);
  await policy.getByLabel('Archive expired events before deleting them').check();
  await expect(policy.getByRole('status')).toContainText(/^This policy would delete \d+ events?/);
  await expect(policy.getByRole('status')).toContainText(
    /\d+ more (has|have) expired but (is|are) kept by legal holds\./,
  );
  const deleted = Number(
    /delete (\d+)/.exec((await policy.getByRole('status').textContent()) as string)?.[1],
  );
  expect(deleted).toBeGreaterThan(0);
  await policy.getByRole('button', { name: 'Save policy…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText(
    `The next run will delete ${deleted} event`,
  );
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(policy.getByRole('button', { name: 'Save policy…' })).toBeHidden();

  const runs = page.getByRole('region', { name: 'Retention runs' });
  await runs.getByRole('button', { name: 'Run now' }).click();
  await expect(runs.getByRole('row').nth(1)).toContainText('run, done');
  await expect(runs.getByRole('row').nth(1).getByRole('cell').nth(2)).toHaveText(String(deleted));
  // What went was archived first: ARCHIVE_DIR holds it, named in the run's row.
  await expect(runs.getByRole('row').nth(1).getByRole('cell').nth(4)).toHaveText(
    new RegExp(`^${deleted} events, audit-archive_.+\\.ndjson\\.gz$`),
  );
  await expect(policy.getByRole('status')).toContainText('This policy deletes nothing now.');

  // The log holds the change, the hold and the run; the tree still verifies.
  await page.getByRole('link', { name: 'Log' }).click();
  await page
    .getByRole('combobox', { name: 'Search' })
    .fill('action:retention.* action:legal_hold.*');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('table.events tbody tr[tabindex] td:nth-child(3)')).toHaveText([
    'retention.run_completed',
    'retention.policy_changed',
    'legal_hold.placed',
  ]);
  const integrity = page.getByRole('region', { name: 'Integrity' });
  await integrity.getByRole('button', { name: 'Verify' }).click();
  await expect(integrity.getByRole('status').filter({ hasText: 'Intact' })).toContainText(
    `Of them, ${deleted} events deleted by retention runs are proven by their recorded hashes.`,
    { timeout: 30_000 },
  );
});
