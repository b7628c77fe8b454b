import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development the dashboard runs on Vite's server and reaches the API server here.
const api = process.env.AUDIT_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/trpc': api, '/export': api, '/healthz': api } },
  test: { include: ['src/**/*.test.ts'] },
});
