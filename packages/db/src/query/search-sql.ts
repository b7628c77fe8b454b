import { parseSearch, type SearchTerm } from '@auditlog/audit';
import { Prisma } from '../generated/prisma/client';

/**
 * `_` and `%` in a pattern would match any character in LIKE; escaped (backslash is
 * LIKE's escape), they match themselves.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/**
 * An action, exact or by prefix. The action column is compared by bytes (collation "C"),
 * so a literal prefix is a range on the (action, createdAt) index.
 */
export function actionSql(match: { exact: string } | { prefix: string }): Prisma.Sql {
  return 'exact' in match
    ? Prisma.sql`action = ${match.exact}`
    : Prisma.sql`action LIKE ${`${likeLiteral(match.prefix)}%`}`;
}

/** An actor's id, or their email in any case (the lower(actorEmail) index serves it). */
export function actorSql(actor: string): Prisma.Sql {
  return Prisma.sql`("actorId" = ${actor} OR lower("actorEmail") = lower(${actor}))`;
}

/** What one term matches, negation aside. */
function termSql(term: SearchTerm): Prisma.Sql {
  switch (term.kind) {
    case 'action':
      return actionSql(term.match);
    case 'actor':
      return actorSql(term.value);
    case 'actor_type':
      return Prisma.sql`"actorType" = ${term.value}::"ActorType"`;
    case 'resource':
      return term.id === undefined
        ? Prisma.sql`"resourceType" = ${term.type}`
        : Prisma.sql`("resourceType" = ${term.type} AND "resourceId" = ${term.id})`;
    case 'ip':
      // Stored addresses were validated on the way in, so each casts; inet compares an
      // address in any of its spellings (2001:DB8::1 is 2001:db8::1).
      return term.network
        ? Prisma.sql`ip::inet <<= ${term.value}::inet`
        : Prisma.sql`ip::inet = ${term.value}::inet`;
    case 'outcome':
      return Prisma.sql`outcome = ${term.value}::"Outcome"`;
    case 'request':
      return Prisma.sql`"requestId" = ${term.value}`;
    case 'created': {
      const bounds = [
        ...(term.from ? [Prisma.sql`"createdAt" >= ${new Date(term.from)}::timestamptz`] : []),
        ...(term.to ? [Prisma.sql`"createdAt" < ${new Date(term.to)}::timestamptz`] : []),
      ];
      return Prisma.sql`(${Prisma.join(bounds, ' AND ')})`;
    }
    case 'text': {
      const pattern = `%${likeLiteral(term.value)}%`;
      return Prisma.sql`(metadata ILIKE ${pattern} OR "resourceId" ILIKE ${pattern})`;
    }
  }
}

/**
 * A search's conditions, each to be ANDed with the rest of the page's WHERE: terms on
 * one thing are ORed (`action:user.* action:auth.*`), `created:` terms and words of free
 * text narrow together, and a negated term excludes what it matches, keeping rows where
 * it is unknown (no ip, say).
 */
export function searchConditions(q: string): Prisma.Sql[] {
  const { terms, problems } = parseSearch(q);
  // The API's schema refuses such a query first; this guards every other caller.
  if (problems.length > 0) throw new Error(`invalid search: ${problems[0]?.message}`);
  const and: Prisma.Sql[] = [];
  const anyOf = new Map<string, Prisma.Sql[]>();
  for (const term of terms) {
    const sql = termSql(term);
    if (term.negated) and.push(Prisma.sql`(${sql}) IS NOT TRUE`);
    else if (term.kind === 'created' || term.kind === 'text') and.push(sql);
    else anyOf.set(term.kind, [...(anyOf.get(term.kind) ?? []), sql]);
  }
  for (const options of anyOf.values()) {
    and.push(
      options.length === 1
        ? (options[0] as Prisma.Sql)
        : Prisma.sql`(${Prisma.join(options, ' OR ')})`,
    );
  }
  return and;
}
