import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Failed sign-ins are limited per account (against guessing one password) and per IP
 * (against trying many accounts). Counted in this process's memory: several server
 * processes each keep their own counts.
 */
export class SignInLimiter {
  private readonly perAccount = new RateLimiterMemory({ points: 5, duration: 15 * 60 });
  private readonly perIp = new RateLimiterMemory({ points: 20, duration: 15 * 60 });
  private readonly blockNotices = new RateLimiterMemory({ points: 1, duration: 15 * 60 });

  /** Seconds until sign-in is allowed again, or 0 when it is allowed now. */
  async blockedFor(ip: string, account: string): Promise<number> {
    const [byIp, byAccount] = await Promise.all([this.perIp.get(ip), this.perAccount.get(account)]);
    const blocked = [byIp, byAccount].filter(
      (r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0,
    );
    return blocked.length === 0
      ? 0
      : Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000);
  }

  /**
   * Whether a refused attempt should be written to the log: the first one per IP and
   * account in a window is, the rest are not, so a client hammering a locked account
   * cannot grow the audit log without bound.
   */
  async shouldRecordBlock(ip: string, account: string): Promise<boolean> {
    return this.blockNotices.consume(`${ip} ${account}`).then(
      () => true,
      () => false,
    );
  }

  async failed(ip: string, account: string): Promise<void> {
    await Promise.all([this.perIp.penalty(ip, 1), this.perAccount.penalty(account, 1)]);
  }

  async succeeded(account: string): Promise<void> {
    await this.perAccount.delete(account);
  }
}
