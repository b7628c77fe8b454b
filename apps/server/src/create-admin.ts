import { parseArgs } from 'node:util';
import { AccountStore, AuditStore, migrate, openDatabase } from '@auditlog/db';
import { loadConfig } from './config';
import { createAdmin } from './first-admin';

/**
 * `create-admin --email you@example.com [--name "Your Name"]`: adds an admin to the
 * database the server is configured for. The password is ADMIN_PASSWORD when set, else
 * random and printed once.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' } },
  });
  const config = loadConfig();
  const email = values.email ?? config.ADMIN_EMAIL;
  if (!email) throw new Error('usage: create-admin --email you@example.com [--name "Your Name"]');
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrate(db);
    const store = new AuditStore(db);
    const admin = await createAdmin(
      { store, accounts: new AccountStore(db) },
      {
        email,
        name: values.name ?? config.ADMIN_NAME,
        password: config.ADMIN_PASSWORD,
      },
    );
    await store.close();
    console.log(
      admin.generated
        ? `Created admin ${admin.email} with the password ${admin.password} (shown only now).`
        : `Created admin ${admin.email}.`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(`create-admin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
