import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../../vitest.temp-dir.ts'],
    include: ['src/**/*.test.ts'],
    // Tests that break what other suites share (see vitest.serial.config.ts).
    exclude: ['src/serial/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
