/** Light or dark: the system's unless the person chose one (kept per browser). */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'audit-log:theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

export function themeChoice(): ThemeChoice {
  const stored = localStorage.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Sets the page's theme (styles.css reads data-theme) and remembers a choice. */
export function chooseTheme(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  const dark = choice === 'dark' || (choice === 'system' && systemDark.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/** Applies the theme at start, and follows the system while no choice is made. */
export function startTheme(): void {
  chooseTheme(themeChoice());
  systemDark.addEventListener('change', () => chooseTheme(themeChoice()));
}
