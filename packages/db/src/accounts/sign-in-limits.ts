import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { PrismaClient } from '../generated/prisma/client';
import type { Queryable } from '../raw-sql';

/**
 * rate-limiter-flexible's login-protection pattern. Consecutive failures are counted per
 * (account, IP), so nobody elsewhere can lock a known admin out by guessing; slow
 * guessing across accounts is counted per IP.
 */
const PER_ACCOUNT_AND_IP = { points: 5, duration: 15 * 60, blockDuration: 15 * 60 };
const PER_IP = { points: 100, duration: 24 * 60 * 60, blockDuration: 24 * 60 * 60 };

const ACCOUNT_PREFIX = 'signin_account_ip';
const IP_PREFIX = 'signin_ip';

export type SignInAttempt =
  | { allowed: true; triesLeft: number }
  | {
      allowed: false;
      retryAfterSeconds: number;
      /** True for the attempt that crossed the limit: the one worth recording. */
      firstRefusal: boolean;
    };

/**
 * Sign-in limits kept in the database (table SignInLimit), so that every server process
 * on it counts the same attempts. An attempt is counted before its password is checked,
 * so attempts that arrive together are counted as if they arrived one after another.
 */
export class SignInLimits {
  private readonly byAccountAndIp: RateLimiterPrisma;
  private readonly byIp: RateLimiterPrisma;

  constructor(
    prisma: PrismaClient,
    private readonly sql: Queryable,
  ) {
    // RateLimiterPrisma reads the model through the client's property of that name.
    const store = { storeClient: prisma, tableName: 'signInLimit' };
    this.byAccountAndIp = new RateLimiterPrisma({
      ...store,
      ...PER_ACCOUNT_AND_IP,
      keyPrefix: ACCOUNT_PREFIX,
    });
    this.byIp = new RateLimiterPrisma({ ...store, ...PER_IP, keyPrefix: IP_PREFIX });
  }

  /** Counts one sign-in attempt; says whether its password may be checked. */
  async attempt(ip: string, account: string): Promise<SignInAttempt> {
    const counted = await Promise.allSettled([
      this.byIp.consume(ip),
      this.byAccountAndIp.consume(pairKey(account, ip)),
    ]);
    const limits = [PER_IP, PER_ACCOUNT_AND_IP];
    const refused = counted.flatMap((r, i) =>
      r.status === 'rejected' ? [{ res: refusal(r.reason), points: limits[i]?.points ?? 0 }] : [],
    );
    if (refused.length > 0) {
      return {
        allowed: false,
        retryAfterSeconds: Math.ceil(Math.max(...refused.map((r) => r.res.msBeforeNext)) / 1000),
        firstRefusal: refused.some((r) => r.res.consumedPoints === r.points + 1),
      };
    }
    const left = counted.map((r) => (r.status === 'fulfilled' ? r.value.remainingPoints : 0));
    return { allowed: true, triesLeft: Math.min(...left) };
  }

  /** A right password: the pair's failures are forgotten, and the IP's try given back. */
  async succeeded(ip: string, account: string): Promise<void> {
    await Promise.all([this.byAccountAndIp.delete(pairKey(account, ip)), this.byIp.reward(ip, 1)]);
  }

  /** An admin's unlock: the account may be tried again from every address at once. */
  async unlock(account: string): Promise<void> {
    await this.sql.query('DELETE FROM "SignInLimit" WHERE starts_with(key, $1)', [
      accountKeyStart(account),
    ]);
  }

  /** Until when sign-in to each of these accounts is refused from some address. */
  async blockedUntil(accounts: string[]): Promise<Map<string, Date>> {
    const blocked = new Map<string, Date>();
    if (accounts.length === 0) return blocked;
    const rows = await this.sql.query<{ account: string; until: Date }>(
      `SELECT a.account, max(l.expire) AS until
         FROM unnest($1::text[]) AS a(account)
         JOIN "SignInLimit" l ON starts_with(l.key, $2 || a.account || ' ')
        WHERE l.points > $3 AND l.expire > now()
        GROUP BY a.account`,
      [accounts, `${ACCOUNT_PREFIX}:`, PER_ACCOUNT_AND_IP.points],
    );
    for (const row of rows) blocked.set(row.account, new Date(row.until));
    return blocked;
  }
}

// Accounts are email addresses, which hold no space, so the account ends at the first one.
const pairKey = (account: string, ip: string) => `${account} ${ip}`;
const accountKeyStart = (account: string) => `${ACCOUNT_PREFIX}:${account} `;

function refusal(reason: unknown): RateLimiterRes {
  // Anything but a RateLimiterRes is the database failing: that is an error, not a "no".
  if (reason instanceof RateLimiterRes) return reason;
  throw reason;
}
