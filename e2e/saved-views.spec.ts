import { expect, type Page, test } from '@playwright/test';
import { ADMIN, signIn, signOut } from './accounts';

const VIEWER = { email: 'vera@example.com', password: 'vera auditor passphrase' };

const views = (page: Page) => page.getByRole('region', { name: 'Saved views' });
const pinned = (page: Page) => views(page).getByRole('list', { name: 'Pinned views' });

async function search(page: Page, q: string) {
  await page.getByRole('combobox', { name: 'Search' }).fill(q);
  await page.getByRole('button', { name: 'Apply' }).click();
}

test('an admin saves, shares, pins, updates and renames a view; an auditor opens it; all of it is in the log', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const created = await page.request.post('/trpc/users.create', {
    data: { email: VIEWER.email, name: 'Vera', role: 'auditor', password: VIEWER.password },
  });
  expect(created.status()).toBe(200);

  await search(page, 'action:auth.*');
  await views(page).getByRole('button', { name: 'Save view…' }).click();
  const form = page.getByRole('form', { name: 'Save this view as' });
  await form.getByLabel('Save this view as').fill('Sign-ins');
  await form.getByLabel('Share with the team').check();
  await form.getByLabel('Pin above the log').check();
  await form.getByRole('button', { name: 'Save view' }).click();
  await expect(views(page)).toContainText('Showing Sign-ins');
  await expect(pinned(page).getByRole('link', { name: 'Sign-ins' })).toHaveAttribute(
    'aria-current',
    'true',
  );

  // Another view, then back through the pin.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(views(page)).not.toContainText('Showing');
  await pinned(page).getByRole('link', { name: 'Sign-ins' }).click();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*$/);

  // Narrowed, it is no longer the saved view until the change is saved to it.
  await page.getByRole('combobox', { name: /^Range/ }).selectOption('7d');
  await page.getByRole('button', { name: 'Apply' }).click();
  await views(page).getByRole('button', { name: 'Save changes to “Sign-ins”' }).click();
  await expect(views(page)).toContainText('Showing Sign-ins');
  await views(page).getByRole('button', { name: 'Rename…' }).click();
  const rename = page.getByRole('form', { name: 'Rename “Sign-ins” to' });
  await rename.getByRole('textbox').fill('Sign-ins this week');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(pinned(page).getByRole('link', { name: 'Sign-ins this week' })).toBeVisible();

  // An auditor sees the shared view pinned, opens it, may unpin it, not rename or delete it.
  await signOut(page);
  await signIn(page, VIEWER);
  await pinned(page).getByRole('link', { name: 'Sign-ins this week' }).click();
  await expect(page).toHaveURL(/\?q=action%3Aauth\.\*&range=7d$/);
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue('action:auth.*');
  await expect(views(page).getByRole('button', { name: 'Rename…' })).toHaveCount(0);
  await expect(views(page).getByRole('button', { name: 'Delete…' })).toHaveCount(0);
  await views(page).getByRole('button', { name: 'Unpin' }).click();
  await expect(pinned(page)).toHaveCount(0);
  await views(page)
    .getByLabel('Open a saved view')
    .selectOption({ label: 'Sign-ins this week (admin@example.com)' });

  // The admin deletes it; the log holds every step, with who took it.
  await signOut(page);
  await signIn(page, ADMIN);
  await views(page).getByLabel('Open a saved view').selectOption({ label: 'Sign-ins this week' });
  await views(page).getByRole('button', { name: 'Delete…' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('The team will no longer see it.');
  await page.getByRole('button', { name: 'Delete view' }).click();
  await expect(views(page)).toContainText('Saved views (0)');
  await search(page, 'resource:saved_view');
  const actions = page.locator('table.events tbody tr[tabindex] td:nth-child(3)');
  await expect(actions).toHaveText([
    'saved_view.deleted',
    'saved_view.changed',
    'saved_view.changed',
    'saved_view.changed',
    'saved_view.created',
  ]);
  await expect(page.locator('table.events tbody tr[tabindex] td:nth-child(2)').nth(1)).toHaveText(
    'vera@example.com',
  );
});

test('a link with a parameter the log cannot use names it and shows the rest', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/?q=action%3Aauth.*&range=2w');
  await expect(page.getByRole('alert')).toContainText(
    'The link\'s range "2w" was left out: Invalid option: expected one of',
  );
  await expect(page.getByRole('combobox', { name: 'Search' })).toHaveValue('action:auth.*');
  await expect(page.getByRole('combobox', { name: /^Range/ })).toHaveValue('');
});
