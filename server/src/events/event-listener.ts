import { Client } from "pg";
import type { Logger } from "../observability/logger";
import { reconnectDelayMs } from "./reconnect-backoff";

export interface EventNotice {
  id: string;
  type: string;
  subjectId: string | null;
}

/**
 * LISTENs on `latchkey_events`, which the outbox trigger NOTIFYs on every committed event, on a
 * connection of its own. This is how one instance's change reaches every other instance without
 * any broker but PostgreSQL. When the connection drops it reconnects with capped, jittered backoff
 * for as long as the process lives; while it is down the instance reports itself not ready.
 */
export class EventListener {
  private client: Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failuresInARow = 0;
  private connectedBefore = false;
  private lostAt = new Date();
  private readonly handlers = new Set<(notice: EventNotice) => void>();
  private readonly reconnectHandlers = new Set<(lostAt: Date) => void>();
  private readonly failureHandlers = new Set<(error: unknown) => void>();

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  /** Whether notifications are being heard right now. */
  get connected(): boolean {
    return this.client !== null;
  }

  onEvent(handler: (notice: EventNotice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Called after a reconnection with the time the connection was lost: notifications sent since may have been missed. */
  onReconnect(handler: (lostAt: Date) => void): void {
    this.reconnectHandlers.add(handler);
  }

  /** Called for every failed attempt to reconnect. */
  onReconnectFailure(handler: (error: unknown) => void): void {
    this.failureHandlers.add(handler);
  }

  /** The first connection: a server that cannot LISTEN at start does not start. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    // keepAlive lets the kernel notice a peer that vanished without closing the connection.
    const client = new Client({ connectionString: this.databaseUrl, keepAlive: true, connectionTimeoutMillis: 10_000 });
    client.on("notification", (message) => {
      if (!message.payload) return;
      const notice = JSON.parse(message.payload) as EventNotice;
      for (const handler of this.handlers) handler(notice);
    });
    // pg reports a dropped connection as "error", a clean close by the server as "end"; either may come twice.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("connection closed by the server")));
    try {
      await client.connect();
      await client.query("listen latchkey_events");
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) return void (await client.end().catch(() => undefined));
    this.client = client;
    this.failuresInARow = 0;
    if (this.connectedBefore) {
      this.log.info("event listener reconnected");
      for (const handler of this.reconnectHandlers) handler(this.lostAt);
    }
    this.connectedBefore = true;
  }

  private lost(client: Client, error: Error) {
    // Only the current connection counts: a failed attempt is retried by scheduleReconnect itself.
    if (this.client !== client) return;
    this.client = null;
    this.lostAt = new Date();
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.log.warn({ err: error }, "event listener connection lost; reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = null;
      try {
        await this.connect();
      } catch (error) {
        this.failuresInARow++;
        this.log.warn({ err: error, failuresInARow: this.failuresInARow }, "event listener could not reconnect; retrying");
        for (const handler of this.failureHandlers) handler(error);
        this.scheduleReconnect();
      }
    }, reconnectDelayMs(this.failuresInARow));
    // The HTTP server keeps the process alive; a pending retry must not keep it from exiting.
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
