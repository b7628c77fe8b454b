// Builds the server into dist/ so production runs `node dist/main.js`, not TypeScript
// through tsx. Our workspace packages (TypeScript sources) are bundled in; npm packages
// stay external and load from node_modules, as PGlite and Prisma expect (they find
// their WebAssembly files beside their own modules).
import { cp, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const externalNpmPackages = {
  name: 'external-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@auditlog/') ? undefined : { path: args.path, external: true },
    );
  },
};

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    main: 'src/main.ts',
    cli: 'src/cli.ts',
    'create-admin': 'src/create-admin.ts',
    retention: 'src/retention-cli.ts',
    import: 'src/import-cli.ts',
    // Started as a worker thread by packages/db (tree/db-worker.ts), beside main.js.
    'db-worker-main': '../../packages/db/src/tree/db-worker-main.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [externalNpmPackages],
  logLevel: 'warning',
});

// The migrations the server applies at start-up (packages/db finds them beside the bundle).
await cp('../../prisma/migrations', 'dist/migrations', { recursive: true });
