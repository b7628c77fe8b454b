import { defineConfig } from 'vitest/config';

// Tests that restart PostgreSQL: run alone, once every other suite has finished.
export default defineConfig({
  test: {
    globalSetup: ['../../vitest.temp-dir.ts'],
    include: ['src/serial/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
