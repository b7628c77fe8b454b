import { chromium } from '@playwright/test';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
for (const [name, width, height] of [
  ['desktop', 1280, 900],
  ['phone', 390, 844],
]) {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto('http://127.0.0.1:3200/');
  await page.getByLabel('Email').fill('admin@example.com');
  await page.getByLabel('Password').fill('demo admin passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  if (name === 'desktop') {
    await page.request.post('http://127.0.0.1:3200/trpc/views.create', {
      data: {
        name: 'Failed sign-ins',
        query: { q: 'action:auth.* outcome:failure' },
        shared: true,
        pinned: true,
      },
    });
    await page.request.post('http://127.0.0.1:3200/trpc/views.create', {
      data: {
        name: 'Role changes this week',
        query: { q: 'action:user.role_changed', range: '7d' },
        pinned: true,
      },
    });
  }
  await page.goto('http://127.0.0.1:3200/?q=action%3Aauth.*+outcome%3Afailure');
  await page.locator('table.events tbody tr[tabindex]').first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/shot-${name}-views.png`, fullPage: false });
  await page.getByText('Columns and density').click();
  await page.mouse.wheel(0, 3000);
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/shot-${name}-scrolled.png`, fullPage: false });
}
await browser.close();
