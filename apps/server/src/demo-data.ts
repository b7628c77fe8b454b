import { type AuditEntryInput, auditEntrySchema, newEventId } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';
import { base, en, Faker } from '@faker-js/faker';

const DAY = 86_400_000;

interface Actor {
  id: string;
  email: string;
  type: 'user' | 'service';
  ip: string;
  userAgent: string;
}

type Scenario = (f: Faker, actor: Actor) => Omit<AuditEntryInput, 'actorId' | 'actorEmail'>;

// What a B2B SaaS application records, weighted roughly by how often each happens.
const SCENARIOS: [number, Scenario][] = [
  [30, () => ({ action: 'auth.signed_in', resourceType: 'session' })],
  [
    6,
    (f) => ({
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      metadata: { reason: f.helpers.arrayElement(['bad_password', 'mfa_timeout', 'locked']) },
    }),
  ],
  [8, () => ({ action: 'auth.signed_out', resourceType: 'session' })],
  [
    4,
    (f) => ({
      action: 'user.role_changed',
      resourceType: 'user',
      resourceId: `usr_${f.string.alphanumeric(10)}`,
      changes: {
        before: { role: 'member' },
        after: { role: f.helpers.arrayElement(['admin', 'owner', 'billing']) },
      },
    }),
  ],
  [
    5,
    (f) => ({
      action: 'user.invited',
      resourceType: 'user',
      resourceId: `usr_${f.string.alphanumeric(10)}`,
      metadata: { email: f.internet.email().toLowerCase() },
    }),
  ],
  [
    1,
    (f) => ({
      action: 'user.deleted',
      resourceType: 'user',
      resourceId: `usr_${f.string.alphanumeric(10)}`,
    }),
  ],
  [
    12,
    (f) => ({
      action: 'document.updated',
      resourceType: 'document',
      resourceId: `doc_${f.string.alphanumeric(8)}`,
      changes: { before: { title: f.lorem.words(3) }, after: { title: f.lorem.words(3) } },
    }),
  ],
  [
    10,
    (f) => ({
      action: 'document.created',
      resourceType: 'document',
      resourceId: `doc_${f.string.alphanumeric(8)}`,
    }),
  ],
  [
    3,
    (f) => ({
      action: 'document.deleted',
      resourceType: 'document',
      resourceId: `doc_${f.string.alphanumeric(8)}`,
    }),
  ],
  [
    7,
    (f) => ({
      action: 'document.shared',
      resourceType: 'document',
      resourceId: `doc_${f.string.alphanumeric(8)}`,
      metadata: {
        with: f.internet.email().toLowerCase(),
        permission: f.helpers.arrayElement(['view', 'edit']),
      },
    }),
  ],
  [
    2,
    (f) => ({
      action: 'billing.plan_changed',
      resourceType: 'workspace',
      resourceId: `ws_${f.string.alphanumeric(6)}`,
      metadata: { oldPlan: 'team', newPlan: f.helpers.arrayElement(['business', 'enterprise']) },
    }),
  ],
  [
    2,
    (f) => ({
      action: 'billing.invoice_paid',
      resourceType: 'invoice',
      resourceId: `in_${f.string.alphanumeric(12)}`,
    }),
  ],
  [
    3,
    (f) => ({
      action: 'api_key.created',
      resourceType: 'api_key',
      resourceId: `key_${f.string.alphanumeric(8)}`,
      metadata: { scopes: ['log:write'] },
    }),
  ],
  [
    1,
    (f) => ({
      action: 'api_key.revoked',
      resourceType: 'api_key',
      resourceId: `key_${f.string.alphanumeric(8)}`,
    }),
  ],
  [
    4,
    (f) => ({
      action: 'workspace.settings_changed',
      resourceType: 'workspace',
      resourceId: `ws_${f.string.alphanumeric(6)}`,
      changes: { before: { sso: false }, after: { sso: true } },
    }),
  ],
  [
    2,
    (f) => ({
      action: 'data.exported',
      resourceType: 'report',
      resourceId: `rep_${f.string.alphanumeric(6)}`,
      metadata: { rows: f.number.int({ min: 10, max: 50_000 }) },
    }),
  ],
];

function makeActors(f: Faker): Actor[] {
  const people = Array.from({ length: 24 }, (): Actor => {
    const first = f.person.firstName();
    const last = f.person.lastName();
    return {
      id: `usr_${f.string.alphanumeric(10)}`,
      email: f.internet
        .email({ firstName: first, lastName: last, provider: 'acme.test' })
        .toLowerCase(),
      type: 'user',
      ip: f.datatype.boolean(0.8) ? f.internet.ipv4() : f.internet.ipv6(),
      userAgent: f.internet.userAgent(),
    };
  });
  const services = ['billing-worker', 'sync-service', 'scim-provisioner'].map(
    (name): Actor => ({
      id: `svc_${name}`,
      email: '',
      type: 'service',
      ip: f.internet.ipv4({ network: 'private-a' }),
      userAgent: `${name}/2.4.1`,
    }),
  );
  return [...people, ...services];
}

/**
 * Realistic events spread over the last `days`, oldest first: a few dozen actors, the
 * actions a SaaS product records, steady IPs and user agents per actor. Deterministic
 * for a given seed, so screenshots and the e2e test see the same log.
 */
export function demoEntries(
  count: number,
  options: { seed?: number; days?: number; now?: Date } = {},
) {
  const f = new Faker({ locale: [en, base], seed: options.seed ?? 42 });
  const now = (options.now ?? new Date()).getTime();
  const start = now - (options.days ?? 30) * DAY;
  const actors = makeActors(f);
  const weighted = SCENARIOS.map(([weight, value]) => ({ weight, value }));
  const times = Array.from({ length: count }, () =>
    f.number.int({ min: start, max: now - 1000 }),
  ).sort((a, b) => a - b);
  return times.map((time) => {
    const actor = f.helpers.arrayElement(actors);
    return auditEntrySchema.parse({
      id: newEventId(new Date(time)),
      actorId: actor.id,
      actorEmail: actor.email,
      actorType: actor.type,
      ip: actor.ip,
      userAgent: actor.userAgent,
      requestId: `req_${f.string.alphanumeric(16)}`,
      ...f.helpers.weightedArrayElement(weighted)(f, actor),
    });
  });
}

/** Fills an empty log with demo events; leaves a log that has any event alone. */
export async function seedDemoData(store: AuditStore, count = 3000): Promise<number> {
  if ((await store.size()) > 0) return 0;
  const entries = demoEntries(count);
  for (let i = 0; i < entries.length; i += 1000) await store.append(entries.slice(i, i + 1000));
  return entries.length;
}
