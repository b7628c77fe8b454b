import { afterAll, beforeAll } from 'vitest';
import { AuditStore } from './store';
import { createTestDatabase, type TestDatabase, type TestDriver } from './test-databases';

/**
 * A fresh database and store for the enclosing `describe`, dropped after it; `setup`
 * runs once they exist. Read `db` and `store` inside tests, not at definition time.
 */
export function useTestStore(driver: TestDriver, setup?: (store: AuditStore) => Promise<void>) {
  const fixture = {} as { db: TestDatabase; store: AuditStore };
  beforeAll(async () => {
    fixture.db = await createTestDatabase(driver);
    fixture.store = new AuditStore(fixture.db);
    await setup?.(fixture.store);
  });
  afterAll(async () => {
    await fixture.store?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
