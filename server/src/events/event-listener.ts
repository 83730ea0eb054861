import { Client } from "pg";
import type { Logger } from "../observability/logger";

export interface EventNotice {
  id: string;
  type: string;
  subjectId: string | null;
}

/**
 * LISTENs on `latchkey_events`, which the outbox trigger NOTIFYs on every committed event, on a
 * connection of its own. This is how one instance's change reaches every other instance without
 * any broker but PostgreSQL. Reconnects with backoff if the connection drops.
 */
export class EventListener {
  private client: Client | null = null;
  private closed = false;
  private readonly handlers = new Set<(notice: EventNotice) => void>();
  private readonly reconnectHandlers = new Set<() => void>();
  private connectedBefore = false;

  /** Called after a reconnection, when notifications sent meanwhile may have been missed. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
  ) {}

  onEvent(handler: (notice: EventNotice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    client.on("notification", (message) => {
      if (!message.payload) return;
      const notice = JSON.parse(message.payload) as EventNotice;
      for (const handler of this.handlers) handler(notice);
    });
    client.on("error", (error) => {
      this.log.warn({ err: error }, "event listener connection lost; reconnecting");
      this.client = null;
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.start().catch(() => undefined), 500).unref();
    });
    await client.connect();
    await client.query("listen latchkey_events");
    this.client = client;
    if (this.connectedBefore) for (const handler of this.reconnectHandlers) handler();
    this.connectedBefore = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
