import type { EntityManager } from "@mikro-orm/postgresql";
import type { UserActor } from "../auth/actor";
import type { KeyVerifier } from "../keys/key-verifier";
import { Membership } from "../members/membership.entity";

export interface CredentialCheck {
  valid: boolean;
  memberships: Membership[];
}

/**
 * Re-checks the credentials of long-lived subscriptions, shared across them: however many
 * subscriptions one session or key holds open, each check is one pair of queries per interval.
 */
export class CredentialChecks {
  private readonly results = new Map<string, { at: number; result: Promise<CredentialCheck> }>();

  constructor(
    private readonly em: EntityManager,
    private readonly keys: KeyVerifier,
    /** How long a check's result stands (`SUBSCRIPTION_RECHECK_SECONDS`). */
    private readonly recheckMs: number,
  ) {}

  check(actor: UserActor, clientAddress: string | null): Promise<CredentialCheck> {
    const id = actor.key
      ? `key:${actor.key.keyId}`
      : actor.expiresAt
        ? `token:${actor.userId}:${actor.expiresAt.getTime()}`
        : `session:${actor.sessionId}`;
    const cached = this.results.get(id);
    if (cached && Date.now() - cached.at < this.recheckMs) return cached.result;
    if (this.results.size > 10_000) this.prune();
    const result = this.run(actor, clientAddress);
    this.results.set(id, { at: Date.now(), result });
    return result;
  }

  private async run(actor: UserActor, clientAddress: string | null): Promise<CredentialCheck> {
    const em = this.em.fork();
    const valid = actor.key
      ? (await this.keys.currentScopes(actor.key.keyId, actor.key.secretId, clientAddress)) !== null
      : actor.expiresAt
        ? actor.expiresAt.getTime() > Date.now()
        : !!actor.sessionId &&
          (
            await em
              .getConnection()
              .execute<unknown[]>("select 1 from sessions where id = ? and revoked_at is null and expires_at > now()", [actor.sessionId])
          ).length > 0;
    const memberships = valid ? await em.find(Membership, { user: actor.userId }, { populate: ["role"], orderBy: { id: "asc" } }) : [];
    return { valid, memberships };
  }

  private prune() {
    const now = Date.now();
    for (const [id, entry] of this.results) if (now - entry.at >= this.recheckMs) this.results.delete(id);
  }
}
