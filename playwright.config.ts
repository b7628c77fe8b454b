import { defineConfig } from '@playwright/test';

import { ADMIN } from './e2e/accounts';

const PORT = 3100;

// Debian's Chromium: this network cannot download Playwright's own browser builds. The
// flags keep it from reaching for Google's services, which are unreachable here.
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
  webServer: {
    // The built server and dashboard, as production runs them, on a fresh embedded
    // database filled with demo data.
    command: `rm -rf e2e/.data && DATA_DIR=e2e/.data DEMO_DATA=true ADMIN_EMAIL=${ADMIN.email} ADMIN_PASSWORD='${ADMIN.password}' RETENTION_MIN_DAYS=8 RETENTION_INTERVAL_MINUTES=0 ARCHIVE_DIR=e2e/.data/archives PORT=${PORT} LOG_LEVEL=warn node apps/server/dist/main.js`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
});
