import { z } from 'zod';
import { ACTION_PATTERN, ACTION_RULE } from './action';
import { type JsonObject, jsonProblem, utf8Length } from './json-value';
import { LIMITS } from './limits';
import { safeText as text } from './text';

// Not z.record: it copies the object key by key, and an own `__proto__` key (which
// JSON.parse makes) would vanish in the copy. The object is checked, and kept, as sent.
const jsonObject = (maxBytes: number) =>
  z
    .custom<Record<string, unknown>>(isPlainObject, 'must be a JSON object')
    .superRefine((value, ctx) => {
      // Size first: serialising is native and fast, while walking a huge object key by
      // key would hold the event loop for seconds before refusing it anyway.
      const bytes = utf8Length(value);
      if (bytes > maxBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `is ${bytes} bytes of JSON; the limit is ${maxBytes}`,
        });
        return;
      }
      const problem = jsonProblem(value);
      if (problem) {
        ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
      }
    }) as unknown as z.ZodType<JsonObject>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Internationalised addresses (RFC 6531, `ünïcode@example.com`) are real addresses.
export const internationalEmail = z.email({ pattern: z.regexes.unicodeEmail });

export const actorTypes = ['user', 'service', 'system'] as const;
export const outcomes = ['success', 'failure'] as const;

/**
 * What a caller sends to `logAction`. The seed's fields keep their names; `id` is an
 * optional client-made UUIDv7 so a retry stores nothing new, and its time is the event's
 * `createdAt`.
 *
 * Not compiled here (z.compile generates code with `new Function`, which the dashboard's
 * Content-Security-Policy and fetch runtimes such as Workers refuse); the server compiles
 * its own copy (packages/api/src/routers/log.ts), and the SDK one where it may.
 */
export const auditEntrySchema = z
  .object({
    id: z.uuid({ version: 'v7', message: 'must be a UUIDv7' }).optional(),
    actorId: text(LIMITS.actorId).min(1, 'is required'),
    actorEmail: text(LIMITS.actorEmail),
    actorType: z.enum(actorTypes).default('user'),
    action: text(LIMITS.action).regex(ACTION_PATTERN, ACTION_RULE),
    outcome: z.enum(outcomes).default('success'),
    resourceType: text(LIMITS.resourceType).min(1).optional(),
    resourceId: text(LIMITS.resourceId).min(1).optional(),
    metadata: jsonObject(LIMITS.metadataBytes).optional(),
    changes: z
      .object({ before: jsonObject(LIMITS.changesBytes), after: jsonObject(LIMITS.changesBytes) })
      .partial()
      .strict()
      .superRefine((value, ctx) => {
        const bytes = utf8Length(value);
        if (bytes > LIMITS.changesBytes) {
          ctx.addIssue({
            code: 'custom',
            message: `is ${bytes} bytes of JSON; the limit is ${LIMITS.changesBytes}`,
          });
        }
      })
      .optional(),
    ip: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }).optional(),
    userAgent: text(LIMITS.userAgent).optional(),
    requestId: text(LIMITS.requestId).min(1).optional(),
  })
  .strict()
  // People are identified by email in every report; services and the system may have
  // none. A user's email may be empty only when it is not known (a failed sign-in with a
  // malformed name, an erased person); otherwise it must be real.
  .refine(
    (entry) =>
      entry.actorType !== 'user' ||
      entry.actorEmail === '' ||
      internationalEmail.safeParse(entry.actorEmail).success,
    { path: ['actorEmail'], message: 'must be an email address for a user actor' },
  );

export type AuditEntryInput = z.input<typeof auditEntrySchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** An event as stored and returned: the entry plus where and when it landed. */
export interface AuditEvent {
  id: string;
  seq: number;
  createdAt: string;
  actorId: string;
  actorEmail: string;
  actorType: (typeof actorTypes)[number];
  action: string;
  outcome: (typeof outcomes)[number];
  resourceType: string | null;
  resourceId: string | null;
  metadata: JsonObject | null;
  changes: { before?: JsonObject; after?: JsonObject } | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /**
   * Who wrote the event, set by the server and committed in its leaf: `api_key:<prefix>`,
   * `user:<id>`, or `server` for the audit log's own events; null for events stored before
   * writers were recorded.
   */
  writer: string | null;
  /** The event's Merkle leaf hash, base64; null for the moment before it joins the tree. */
  hash: string | null;
  /** SHA-256 of the salted personal data, base64; what the leaf commits to instead of it. */
  piiDigest: string;
  /** The salt, base64; null once the person's data has been erased. */
  piiSalt: string | null;
  /** When actorEmail, ip and userAgent were erased (GDPR), if they were. */
  erasedAt: string | null;
}
