import type { EntityManager } from "@mikro-orm/postgresql";
import DataLoader from "dataloader";
import { DomainEvent } from "../events/domain-event.entity";
import { byIdLoader } from "../graphql/by-id-loader";
import { WebhookAttempt } from "./webhook-attempt.entity";
import { WebhookEndpoint } from "./webhook-endpoint.entity";

/** Plain-list maxima; the query cost counts these lists as this long. */
export const MAX_ENDPOINTS_PER_HOLDER = 20;
export const MAX_ATTEMPTS_LISTED = 50;

export function webhookLoaders(em: () => EntityManager) {
  return {
    eventById: byIdLoader(em, DomainEvent),
    /** Endpoints by `organizationId|userId` of who registered them, for many people in one statement. */
    endpointsOfCreator: new DataLoader<string, WebhookEndpoint[]>(async (pairs) => {
      const split = pairs.map((pair) => pair.split("|"));
      const endpoints = await em().find(
        WebhookEndpoint,
        { $or: split.map(([organization, createdBy]) => ({ organization, createdBy })) },
        { orderBy: { id: "asc" } },
      );
      return split.map(([organizationId, userId]) =>
        endpoints
          .filter((endpoint) => endpoint.organization.id === organizationId && endpoint.createdBy?.id === userId)
          .slice(0, MAX_ENDPOINTS_PER_HOLDER),
      );
    }),
    /** The latest attempts of many messages in one statement, oldest first. */
    attemptsOfMessage: new DataLoader<string, WebhookAttempt[]>(async (messageIds) => {
      const attempts = await em().find(WebhookAttempt, { message: { $in: [...messageIds] } }, { orderBy: { id: "asc" } });
      return messageIds.map((id) => attempts.filter((attempt) => attempt.message.id === id).slice(-MAX_ATTEMPTS_LISTED));
    }),
  };
}
