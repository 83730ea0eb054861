import type { EntityManager } from "@mikro-orm/postgresql";
import type { CallerCache } from "../auth/caller-cache";
import type { StatementSource } from "../db/prepared-rows";
import { keyLoaders } from "../keys/keys.loaders";
import { memberLoaders } from "../members/members.loaders";
import { orgLoaders } from "../orgs/orgs.loaders";
import { roleLoaders } from "../roles/roles.loaders";
import { userLoaders } from "../users/users.loaders";
import { webhookLoaders } from "../webhooks/webhooks.loaders";

/**
 * All DataLoaders, created afresh per request so that no cached row outlives the request. Users'
 * grants come from the process's cache of callers when it has them (`callers`), kept up to date by
 * caller events.
 * @param em the request's unit of work, made on the first call: a request whose reads are all
 *   prepared statements (`statements`) or cached never forks one.
 * @param statements where prepared reads get their connection.
 */
export function createLoaders(em: () => EntityManager, statements: StatementSource, callers: CallerCache | null = null) {
  const roles = roleLoaders(em);
  return {
    users: userLoaders(em),
    orgs: orgLoaders(em, statements),
    members: memberLoaders(em, (role) => roles.byId.prime(role.id, role), callers),
    roles,
    keys: keyLoaders(em),
    webhooks: webhookLoaders(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
