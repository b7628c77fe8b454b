import { expect, test } from '@playwright/test';
import { ADMIN, signIn, signOut } from './accounts';

const AUDITOR = {
  email: 'otto@example.com',
  password: 'otto auditor passphrase',
  name: 'Otto Auditor',
};

test('an admin adds an auditor and an API key; the auditor cannot open the API-keys page', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await expect(page.getByRole('banner')).toContainText('Administrator');
  await expect(page.getByRole('banner')).toContainText('admin');

  await page.getByRole('link', { name: 'Users' }).click();
  const newUser = page.getByRole('form', { name: 'New user' });
  await newUser.getByLabel('Name').fill(AUDITOR.name);
  await newUser.getByLabel('Email').fill(AUDITOR.email);
  await newUser.getByLabel('Role').selectOption('auditor');
  await newUser.getByLabel('Initial password').fill(AUDITOR.password);
  await newUser.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: AUDITOR.email })).toBeVisible();

  await page.getByRole('link', { name: 'API keys' }).click();
  const newKey = page.getByRole('form', { name: 'New API key' });
  await newKey.getByLabel('Name').fill('billing backend');
  await newKey.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.getByTestId('new-secret').textContent();
  expect(secret).toMatch(/^alk_[A-Za-z0-9]{12}_[\w-]{43}$/);
  await expect(page.getByRole('cell', { name: 'billing backend' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'never' })).toBeVisible();

  // The key really works, for exactly its scope.
  const logged = await page.request.post('/trpc/logAction', {
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    data: { actorId: 'svc_billing', actorEmail: '', actorType: 'service', action: 'invoice.sent' },
  });
  expect(logged.status()).toBe(200);
  await page.reload();
  await expect(page.getByRole('cell', { name: 'never' })).toHaveCount(0);

  await signOut(page);
  await signIn(page, AUDITOR);
  await expect(page.getByRole('banner')).toContainText('auditor');
  await expect(page.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await page.goto('/api-keys');
  await expect(page.getByRole('alert')).toHaveText(/Only admins can manage API keys/);
  const direct = await page.request.get('/trpc/apiKeys.list');
  expect(direct.status()).toBe(403);
});

test('a failed sign-in is refused with a clear message and shows up in the log', async ({
  page,
}) => {
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(ADMIN.email);
  await form.getByLabel('Password').fill('not the password');
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Wrong email or password. 4 tries left before sign-in from this address pauses.',
  );

  await signIn(page, ADMIN);
  await page
    .getByRole('form', { name: 'Filters' })
    .getByLabel('Action', { exact: true })
    .fill('auth.sign_in_failed');
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = page.locator('table.events tbody tr[tabindex]').first();
  await expect(row).toContainText('auth.sign_in_failed');
  await expect(row).toContainText(ADMIN.email);
  await expect(row).toContainText('127.0.0.1');
});

test('an admin erases a person’s data; the event keeps its proof', async ({ page }) => {
  await signIn(page, ADMIN);
  const firstRow = page.locator('table.events tbody tr[tabindex]').first();
  await page
    .getByRole('form', { name: 'Filters' })
    .getByLabel('Action', { exact: true })
    .fill('document.shared');
  await page.getByRole('button', { name: 'Apply' }).click();
  // Click only once the filtered page has replaced the previous one.
  await expect(firstRow).toContainText('document.shared');
  await firstRow.click();
  const detail = page.getByRole('complementary', { name: 'Event detail' });
  const actor = (await detail.locator('dd').nth(3).textContent()) ?? '';
  const email = actor.split(' · ')[0] as string;
  expect(email).toMatch(/@acme\.test$/);

  await detail.getByRole('button', { name: /Erase this person/ }).click();
  await expect(detail).toContainText(/on the \d+ events? they made\? This cannot be undone/);
  await detail.getByRole('button', { name: 'Erase personal data' }).click();
  await expect(detail).toContainText('personal data erased');
  await expect(detail).not.toContainText(email);

  // Nothing findable by the email any more; the events stay, and so do their proofs.
  const actorId = actor.split(' · ')[1]?.split(' ')[0] as string;
  await page
    .getByRole('form', { name: 'Filters' })
    .getByLabel('Actor', { exact: true })
    .fill(email);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('No events match these filters.')).toBeVisible();
  await page
    .getByRole('form', { name: 'Filters' })
    .getByLabel('Actor', { exact: true })
    .fill(actorId);
  await page.getByRole('form', { name: 'Filters' }).getByLabel('Action', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(firstRow).toContainText(actorId);
  await firstRow.click();
  await expect(detail).toContainText('personal data erased');
  await expect(detail).not.toContainText(email);
  await expect(page.getByTestId('proof-badge')).toHaveText(/✓ Proven/);
});

test('an admin sees an account paused by failed sign-ins and unlocks it', async ({ page }) => {
  const paula = { email: 'paula@example.com', password: 'paula auditor passphrase' };
  await signIn(page, ADMIN);
  const created = await page.request.post('/trpc/users.create', {
    data: { ...paula, name: 'Paula', role: 'auditor' },
  });
  expect(created.status()).toBe(200);
  for (let i = 0; i < 6; i++) {
    await page.request.post('/trpc/auth.signIn', {
      data: { email: paula.email, password: `guess ${i}` },
    });
  }

  await page.getByRole('link', { name: 'Users' }).click();
  const row = page.getByRole('row').filter({ hasText: paula.email });
  await expect(row).toContainText('Sign-in paused after failed tries until');
  await row.getByRole('button', { name: 'Unlock' }).click();
  await expect(row).not.toContainText('Sign-in paused');

  await signOut(page);
  await signIn(page, paula);
  await expect(page.getByRole('banner')).toContainText('auditor');
});

test('an admin disables a person with their API keys; a person changes their own password', async ({
  page,
}) => {
  const quinn = { email: 'quinn@example.com', password: 'quinn admin passphrase' };
  await signIn(page, ADMIN);
  const created = await page.request.post('/trpc/users.create', {
    data: { ...quinn, name: 'Quinn', role: 'admin' },
  });
  expect(created.status()).toBe(200);
  await signOut(page);
  await signIn(page, quinn);
  const key = await page.request.post('/trpc/apiKeys.create', {
    data: { name: 'quinn job', scopes: ['log:read'] },
  });
  const secret = (await key.json()).result.data.secret as string;

  await page.getByRole('link', { name: 'Password' }).click();
  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill('not it');
  await form.getByLabel('New password').fill('quinn second passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('The current password is wrong.');
  await form.getByLabel('Current password').fill(quinn.password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText(/Password changed/);
  await signOut(page);

  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Users' }).click();
  const row = page.getByRole('row').filter({ hasText: quinn.email });
  await row.getByRole('button', { name: 'Disable and revoke their 1 API key' }).click();
  // Nothing happens before the admin has read what follows and said yes.
  const confirm = row.getByRole('alertdialog', { name: 'Disable and revoke' });
  await expect(confirm).toContainText(
    'They are signed out at once, and every caller using those keys is refused from now on.',
  );
  const me = () =>
    page.request.get('/trpc/auth.me', { headers: { authorization: `Bearer ${secret}` } });
  expect((await (await me()).json()).result.data).toMatchObject({ kind: 'key' });
  await confirm.getByRole('button', { name: 'Disable and revoke' }).click();
  await expect(row).toContainText('disabled');
  expect((await (await me()).json()).result.data).toBeNull();
  await row.getByRole('button', { name: 'Enable' }).click();
  await expect(row.getByRole('button', { name: 'Disable', exact: true })).toBeVisible();
});
