import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import type { DomainEvent } from "../events/domain-event.entity";
import type { PageRequest } from "../graphql/connection";
import type { RequestContext } from "../graphql/context";
import { findPage } from "../graphql/paged-query";
import { globalIdOf, parseInput } from "../graphql/validate";
import type { ApiKey } from "../keys/api-key.entity";
import { factsOfKey, keyOwnerIds } from "../keys/key-visibility";
import { Notification } from "./notification.entity";

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
        createdAt: new Date(),
        readAt: null,
      }),
    );
  }
}

export function listNotifications(ctx: RequestContext, unreadOnly: boolean, page: PageRequest) {
  const actor = ctx.authz.requirePerson();
  return findPage(ctx.em, Notification, { user: actor.userId, ...(unreadOnly ? { readAt: null } : {}) }, page, "desc");
}

const markSchema = z.object({ ids: z.array(globalIdOf("Notification")).max(100).nullish(), all: z.boolean().nullish() });

/** Marks the given notifications of the signed-in user as read, or all of them. Returns how many changed. */
export async function markNotificationsRead(ctx: RequestContext, input: unknown): Promise<number> {
  const { ids, all } = parseInput(markSchema, input);
  const actor = ctx.authz.requirePerson();
  if (!all && !ids?.length) return 0;
  return ctx.em.nativeUpdate(
    Notification,
    { user: actor.userId, readAt: null, ...(all ? {} : { id: { $in: ids! } }) },
    { readAt: new Date() },
  );
}
