-- The example's tables (as prisma/schema.prisma describes them), and which of them the
-- outbox captures: every change to a user or an invoice, the password hash masked.
CREATE TABLE IF NOT EXISTS "User" (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  "passwordHash" TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'member'
);
CREATE TABLE IF NOT EXISTS "Invoice" (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  customer TEXT NOT NULL,
  "amountCents" INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft',
  "cardNumber" TEXT
);
SELECT audit_enable('"User"', 'id', ARRAY['passwordHash']);
SELECT audit_enable('"Invoice"');
