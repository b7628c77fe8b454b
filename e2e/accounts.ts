import { expect, type Page } from '@playwright/test';

/** The first admin the e2e server is started with. */
export const ADMIN = {
  email: 'admin@example.com',
  password: 'e2e admin passphrase',
  name: 'Administrator',
};

export async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(account.email);
  await form.getByLabel('Password').fill(account.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Signs out and waits for the sign-in form: a navigation before then would abort the sign-out. */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
}
