import type { PreparedRead } from "../db/prepared-rows";
import { Organization } from "./organization.entity";
import { OrganizationSettings, type RevealPolicy } from "./organization-settings";

/** An `organizations` row as the read below returns it, with the size of its location list. */
export interface OrganizationRow {
  id: string;
  created_at: Date;
  name: string;
  external_id: string | null;
  api_access_for_non_admins: boolean;
  agreement_version: number;
  agreement_text: string | null;
  reveal_policy: RevealPolicy;
  inactivity_days: number;
  max_key_lifetime_days: number | null;
  require_key_approval: boolean;
  expiry_warning_days: number[];
  location_count: number;
}

/**
 * Organisations by ID, each with its location count: a frontend's `organization(id) { name locations
 * { totalCount } }` is one statement for its data. Columns are named, not `o.*`: a prepared
 * statement's result shape must not change under it.
 */
export const ORGANIZATIONS_BY_ID: PreparedRead = {
  name: "organizations-by-id",
  text: `select o.id, o.created_at, o.name, o.external_id, o.api_access_for_non_admins, o.agreement_version, o.agreement_text,
                o.reveal_policy, o.inactivity_days, o.max_key_lifetime_days, o.require_key_approval, o.expiry_warning_days,
                (select count(*) from locations l where l.organization_id = o.id)::int as location_count
         from organizations o where o.id = any($1::uuid[])`,
};

/**
 * An `Organization` to read, made from its row without the ORM: no identity map, no change-tracking
 * snapshot, which cost more than the statement on a one-object read. It is an instance (GraphQL
 * names it, and its global ID, by its class) whose fields are its own, so the ORM's property
 * setters never run. It is for reading only: never persist it, nor hand it to an entity as a relation;
 * a change loads the entity (`orgs.byId`).
 */
export function organizationToRead(row: OrganizationRow): Organization {
  const settings = Object.assign(new OrganizationSettings(), {
    apiAccessForNonAdmins: row.api_access_for_non_admins,
    agreementVersion: row.agreement_version,
    agreementText: row.agreement_text,
    revealPolicy: row.reveal_policy,
    inactivityDays: row.inactivity_days,
    maxKeyLifetimeDays: row.max_key_lifetime_days,
    requireKeyApproval: row.require_key_approval,
    expiryWarningDays: row.expiry_warning_days,
  });
  const own = (value: unknown): PropertyDescriptor => ({ value, writable: false, enumerable: true, configurable: true });
  return Object.create(Organization.prototype, {
    id: own(row.id),
    createdAt: own(row.created_at),
    name: own(row.name),
    externalId: own(row.external_id),
    settings: own(settings),
  });
}
