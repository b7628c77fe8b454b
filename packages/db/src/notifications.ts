import pg from 'pg';

export interface NoticeListener {
  /** A NOTIFY arrived on the channel. */
  onNotice(): void;
  /**
   * Whether notices are being received. False when the connection is lost (notices sent
   * meanwhile are missed), true again once it listens anew.
   */
  onListening(listening: boolean): void;
}

const RECONNECT_MS = 1000;

/**
 * Keeps one dedicated connection LISTENing on `channel` (a pooled connection cannot: the
 * pool hands it to others), reconnecting a second after it is lost, until closed.
 */
export function listenOnPostgres(
  url: string,
  channel: string,
  listener: NoticeListener,
): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  // Drops a connection for good; a late 'error' from it must not crash the process.
  const discard = (old: pg.Client) => {
    old.removeAllListeners();
    old.on('error', () => {});
    old.end().catch(() => {});
  };

  const lost = (old: pg.Client) => {
    if (client !== old) return;
    client = undefined;
    discard(old);
    listener.onListening(false);
    if (!closed) retry = setTimeout(connect, RECONNECT_MS).unref();
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client = next;
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      if (message.channel === channel) listener.onNotice();
    });
    try {
      await next.connect();
      // The channel is a constant of this package, never user input.
      await next.query(`LISTEN "${channel}"`);
      if (!closed && client === next) listener.onListening(true);
    } catch {
      lost(next);
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      if (client) discard(client);
      client = undefined;
    },
  };
}
