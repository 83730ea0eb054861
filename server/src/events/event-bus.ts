import type { EntityManager } from "@mikro-orm/postgresql";
import type { Logger } from "../observability/logger";
import { DomainEvent } from "./domain-event.entity";
import type { EventListener } from "./event-listener";

/** An async iterator fed by pushes, which unsubscribes when the consumer stops. */
class EventQueue implements AsyncIterableIterator<DomainEvent> {
  private readonly buffered: DomainEvent[] = [];
  private waiting: ((result: IteratorResult<DomainEvent>) => void) | null = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(event: DomainEvent) {
    if (this.done) return;
    if (this.waiting) {
      this.waiting({ value: event, done: false });
      this.waiting = null;
    } else this.buffered.push(event);
  }

  next(): Promise<IteratorResult<DomainEvent>> {
    if (this.buffered.length) return Promise.resolve({ value: this.buffered.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<DomainEvent>> {
    this.done = true;
    this.buffered.length = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onClose();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/**
 * Committed domain events, as they happen, for in-process consumers such as GraphQL subscriptions.
 * Every instance hears every event through the outbox's NOTIFY and reads the row once, however
 * many subscribers it has; that is how an event raised on one instance reaches subscribers on all.
 */
export class EventBus {
  private readonly queues = new Set<EventQueue>();

  constructor(
    private readonly em: EntityManager,
    listener: EventListener,
    private readonly log: Logger,
  ) {
    listener.onEvent((notice) => {
      if (this.queues.size) void this.deliver(notice.id);
    });
  }

  private async deliver(id: string) {
    try {
      const event = await this.em.fork().findOne(DomainEvent, { id });
      if (event) for (const queue of this.queues) queue.push(event);
    } catch (error) {
      this.log.error({ err: error, eventId: id }, "could not read a notified event");
    }
  }

  /** Every event committed from now on, until the iterator is returned. */
  listen(): AsyncIterableIterator<DomainEvent> {
    const queue: EventQueue = new EventQueue(() => this.queues.delete(queue));
    this.queues.add(queue);
    return queue;
  }

  get subscriberCount(): number {
    return this.queues.size;
  }
}
