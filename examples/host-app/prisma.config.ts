import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here: the example applies its tables itself (src/database.ts).
export default defineConfig({ schema: 'prisma/schema.prisma' });
