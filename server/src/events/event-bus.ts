import { setImmediate as nextTurn } from "node:timers/promises";
import type { EntityManager } from "@mikro-orm/postgresql";
import { PushStream } from "../core/push-stream";
import type { Logger } from "../observability/logger";
import { DomainEvent } from "./domain-event.entity";
import type { EventListener } from "./event-listener";

/** Events stamped this long before the connection was lost are caught up too: instances' clocks differ a little. */
const CATCH_UP_MARGIN_MS = 5_000;
const CATCH_UP_LIMIT = 1_000;
const REMEMBERED_DELIVERIES = 10_000;
/**
 * Subscribers handed an event before the bus yields to the event loop. Each hand-over runs that
 * subscriber's filter and execution as it pushes (see PushStream), and its socket write in the
 * microtasks that follow the chunk, so a chunk's sockets are written before the next chunk starts; yielding between chunks lets pings, new connections and requests in
 * without adding much to the whole (one turn per chunk).
 */
const DELIVERY_CHUNK = 500;

/** The smallest UUIDv7 of a millisecond: its first 48 bits are the Unix time in milliseconds. */
export function uuidv7Floor(at: Date): string {
  const hex = Math.max(0, at.getTime()).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/**
 * Committed domain events, as they happen, for in-process consumers such as GraphQL subscriptions.
 * Every instance hears every event through the outbox's NOTIFY and reads the row once, however
 * many subscribers it has; that is how an event raised on one instance reaches subscribers on all.
 */
export class EventBus {
  private readonly queues = new Set<PushStream<DomainEvent>>();
  private subscriptionsOpened = 0;
  /** IDs of events lately handed to subscribers, oldest first, so a catch-up sends none twice. */
  private readonly delivered = new Set<string>();
  /** The fan-out under way, which the next one waits for. */
  private fanningOut: Promise<void> = Promise.resolve();

  constructor(
    private readonly em: EntityManager,
    private readonly listener: EventListener,
    private readonly log: Logger,
  ) {
    listener.onEvent((notice) => {
      if (this.queues.size) void this.deliver(notice.id);
    });
    listener.onReconnect((lostAt) => void this.catchUp(lostAt));
  }

  /** Whether events are being heard now: while the database is unreachable they are not. */
  get listening(): boolean {
    return this.listener.connected;
  }

  private firstDelivery(id: string): boolean {
    if (this.delivered.has(id)) return false;
    this.delivered.add(id);
    if (this.delivered.size > REMEMBERED_DELIVERIES) this.delivered.delete(this.delivered.values().next().value as string);
    return true;
  }

  private async deliver(id: string) {
    if (!this.firstDelivery(id)) return;
    try {
      const event = await this.em.fork().findOne(DomainEvent, { id });
      if (event) await this.fanOut(event);
    } catch (error) {
      this.log.error({ err: error, eventId: id }, "could not read a notified event");
    }
  }

  /**
   * Hands the event to every subscriber registered now, in chunks (see DELIVERY_CHUNK), after the
   * events before it: chunks of two events must not interleave, or some subscribers would hear them
   * out of order.
   */
  private fanOut(event: DomainEvent): Promise<void> {
    const handedOver = this.fanningOut.then(() => this.handOver(event));
    // One failed fan-out must not stop the ones after it: the chain goes on either way.
    this.fanningOut = handedOver.catch(() => undefined);
    return handedOver;
  }

  private async handOver(event: DomainEvent) {
    const queues = [...this.queues];
    for (let start = 0; start < queues.length; start += DELIVERY_CHUNK) {
      if (start > 0) await nextTurn();
      for (const queue of queues.slice(start, start + DELIVERY_CHUNK)) queue.push(event);
    }
  }

  /**
   * After the listener was disconnected, sends subscribers the events committed meanwhile, whose
   * NOTIFY nobody heard. Event IDs are UUIDv7, so "since" is a range of the primary key.
   */
  private async catchUp(lostAt: Date) {
    if (!this.queues.size) return;
    try {
      const since = uuidv7Floor(new Date(lostAt.getTime() - CATCH_UP_MARGIN_MS));
      const missed = await this.em.fork().find(DomainEvent, { id: { $gte: since } }, { orderBy: { id: "asc" }, limit: CATCH_UP_LIMIT });
      if (missed.length === CATCH_UP_LIMIT)
        this.log.warn({ since }, "more events were missed than a catch-up sends; subscribers lost some");
      for (const event of missed) if (this.firstDelivery(event.id)) await this.fanOut(event);
    } catch (error) {
      this.log.error({ err: error }, "could not catch up on events missed while the listener was disconnected");
    }
  }

  /**
   * Every event committed from now on, until the iterator is returned. After the listener
   * reconnects, events committed while it was away arrive too (they may come after newer ones).
   */
  listen(): PushStream<DomainEvent> {
    const queue: PushStream<DomainEvent> = new PushStream(() => this.queues.delete(queue));
    this.queues.add(queue);
    this.subscriptionsOpened++;
    return queue;
  }

  get subscriberCount(): number {
    return this.queues.size;
  }

  /** Subscribers registered since start: from here on they hear every committed event. Never goes down. */
  get openedCount(): number {
    return this.subscriptionsOpened;
  }
}
