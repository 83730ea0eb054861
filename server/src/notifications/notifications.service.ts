import type { EntityManager } from "@mikro-orm/postgresql";
import type { ServiceContext } from "../core/service-context";
import type { DomainEvent } from "../events/domain-event.entity";
import type { PageRequest } from "../graphql/connection";
import { findPage } from "../graphql/paged-query";
import type { ApiKey } from "../keys/api-key.entity";
import { factsOfKey, keyOwnerIds } from "../keys/key-visibility";
import { Notification } from "./notification.entity";
import type { MarkNotificationsRead } from "./notifications.inputs";

/**
 * Notifies the people who own a key (its mapped user and its creator: keys/key-visibility.ts) of an
 * event about it. `data` keeps the event's payload as stored, with database IDs; readers see global IDs.
 */
export function notifyKeyPeople(em: EntityManager, key: ApiKey, event: DomainEvent, message: string): void {
  for (const userId of keyOwnerIds(factsOfKey(key))) {
    em.persist(
      em.create(Notification, {
        user: userId,
        eventId: event.id,
        type: event.type,
        message,
        data: event.payload,
        createdAt: event.occurredAt,
        readAt: null,
      }),
    );
  }
}

export function listNotifications(ctx: ServiceContext, unreadOnly: boolean, page: PageRequest) {
  const actor = ctx.authz.requirePerson();
  return findPage(ctx.em, Notification, { user: actor.userId, ...(unreadOnly ? { readAt: null } : {}) }, page, "desc");
}

/** Marks the given notifications of the signed-in user as read, or all of them. Returns how many changed. */
export async function markNotificationsRead(ctx: ServiceContext, { ids, all }: MarkNotificationsRead): Promise<number> {
  const actor = ctx.authz.requirePerson();
  if (!all && !ids?.length) return 0;
  return ctx.em.nativeUpdate(
    Notification,
    { user: actor.userId, readAt: null, ...(all ? {} : { id: { $in: ids ?? [] } }) },
    { readAt: ctx.clock.now() },
  );
}
