import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, signIn } from './accounts';

/** axe-core's serious and critical findings on the page as it stands. */
async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test('every page has no serious or critical accessibility violation', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  expect(await seriousViolations(page), 'sign-in').toEqual([]);

  await signIn(page, ADMIN);
  await page.goto('/?q=action%3Aauth.*');
  await expect(page.locator('table.events tbody tr[tabindex]').first()).toBeVisible();
  await expect(page.getByRole('img', { name: /^Events over time/ })).toBeVisible();
  expect(await seriousViolations(page), 'log').toEqual([]);

  await page.locator('table.events tbody tr[tabindex]').first().click();
  await expect(page.getByRole('complementary', { name: 'Event detail' })).toBeVisible();
  expect(await seriousViolations(page), 'event detail').toEqual([]);

  for (const name of ['Users', 'API keys', 'Retention', 'Password']) {
    await page.getByRole('link', { name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    expect(await seriousViolations(page), name).toEqual([]);
  }
});

test('the dark theme follows the system and passes the same scan', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, ADMIN);
  await page.goto('/?q=action%3Aauth.*');
  await expect(page.locator('table.events tbody tr[tabindex]').first()).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await seriousViolations(page), 'log, dark').toEqual([]);
  // A choice outlasts the system's.
  await page.getByLabel('Theme').selectOption('light');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
