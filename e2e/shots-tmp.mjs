import { chromium } from '@playwright/test';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
await page.goto('http://127.0.0.1:3200/');
await page.getByLabel('Email').fill('admin@example.com');
await page.getByLabel('Password').fill('demo admin passphrase');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('button', { name: 'Sign out' }).waitFor();
await page.mouse.wheel(0, 1500);
await page.waitForTimeout(500);
await page.locator('table.events tbody tr[tabindex]').nth(3).click();
await page.waitForTimeout(800);
await page.screenshot({ path: '/tmp/shot-phone-detail.png' });
await browser.close();
