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
export function createLoaders(em: () => EntityManager, statements: StatementSource, callers: CallerCache | null = null): Loaders {
  return new DomainLoaders(em, statements, callers);
}

/**
 * Each domain's loaders are made when a request first asks for them: a read of one organisation
 * uses two domains of six, and a request's loaders are garbage soon after.
 */
class DomainLoaders {
  private made: Partial<Record<DomainName, unknown>> = {};

  constructor(
    private readonly em: () => EntityManager,
    private readonly statements: StatementSource,
    private readonly callers: CallerCache | null,
  ) {}

  private domain<Name extends DomainName>(name: Name, make: () => DomainLoadersOf<Name>): DomainLoadersOf<Name> {
    this.made[name] ??= make();
    return this.made[name] as DomainLoadersOf<Name>;
  }

  get users() {
    return this.domain("users", () => userLoaders(this.em));
  }
  get orgs() {
    return this.domain("orgs", () => orgLoaders(this.em, this.statements));
  }
  get members() {
    return this.domain("members", () => memberLoaders(this.em, (role) => this.roles.byId.prime(role.id, role), this.callers));
  }
  get roles() {
    return this.domain("roles", () => roleLoaders(this.em));
  }
  get keys() {
    return this.domain("keys", () => keyLoaders(this.em));
  }
  get webhooks() {
    return this.domain("webhooks", () => webhookLoaders(this.em));
  }
}

interface AllDomainLoaders {
  users: ReturnType<typeof userLoaders>;
  orgs: ReturnType<typeof orgLoaders>;
  members: ReturnType<typeof memberLoaders>;
  roles: ReturnType<typeof roleLoaders>;
  keys: ReturnType<typeof keyLoaders>;
  webhooks: ReturnType<typeof webhookLoaders>;
}

type DomainName = keyof AllDomainLoaders;
type DomainLoadersOf<Name extends DomainName> = AllDomainLoaders[Name];

export type Loaders = Readonly<AllDomainLoaders>;
