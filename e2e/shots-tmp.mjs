import { chromium } from '@playwright/test';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const [name, width, height] of [
  ['desktop', 1280, 1000],
  ['phone', 390, 844],
]) {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto('http://127.0.0.1:3200/');
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByLabel('Password').fill('demo admin passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto('http://127.0.0.1:3200/retention');
  await page.getByRole('button', { name: 'Add override' }).click();
  await page.getByRole('group', { name: 'Override 1' }).getByLabel('Action').fill('auth.*');
  await page.getByRole('group', { name: 'Override 1' }).getByLabel('Keep').fill('20');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/shot-${name}-retention.png`, fullPage: true });
}
await browser.close();
