import { type Connection, request } from "../graphql/client";
import { BadgeKeys, MissedKeyWarnings, Viewer } from "../graphql/operations";
import type { ResultOf } from "../graphql/tada";
import { badgeCutoff, isDueBefore } from "./badge";
import type { WarningPage } from "./warnings";

/** The organisations the user belongs to. */
export async function organizationIds(connection: Connection): Promise<string[]> {
  const { viewer } = await request(connection, Viewer, {});
  return viewer.memberships.flatMap((membership) => (membership.organization ? [membership.organization.id] : []));
}

async function countDueKeys(connection: Connection, organizationId: string, cutoff: Date): Promise<number> {
  let count = 0;
  let after: string | null = null;
  do {
    const { organization }: ResultOf<typeof BadgeKeys> = await request(connection, BadgeKeys, { organizationId, after });
    if (!organization?.keys) return count;
    const { inactivityDays } = organization.settings;
    count += organization.keys.nodes.filter((key) => isDueBefore(key, inactivityDays, cutoff)).length;
    after = organization.keys.pageInfo.hasNextPage ? organization.keys.pageInfo.endCursor : null;
  } while (after);
  return count;
}

/** Counts, across the user's organisations, the active keys due to expire or go inactive within the badge window. */
export async function countExpiringKeys(connection: Connection, now = new Date()): Promise<number> {
  const cutoff = badgeCutoff(now);
  const ids = await organizationIds(connection);
  const counts = await Promise.all(ids.map((id) => countDueKeys(connection, id, cutoff)));
  return counts.reduce((sum, count) => sum + count, 0);
}

/** One page of an organisation's `key.expiring` events after `after`; none without `org:read`. */
export async function fetchMissedWarnings(connection: Connection, organizationId: string, after: string | null): Promise<WarningPage> {
  const { organization } = await request(connection, MissedKeyWarnings, { organizationId, after });
  const events = organization?.keyEvents;
  if (!events) return { warnings: [], endCursor: null, hasNextPage: false };
  return { warnings: events.nodes, endCursor: events.pageInfo.endCursor, hasNextPage: events.pageInfo.hasNextPage };
}
