import { registerEnumType } from "type-graphql";

/** Everything the audit log records. Values are the stored, dotted form (`organization.created`). */
export enum AuditAction {
  USER_SIGNED_UP = "user.signed_up",
  USER_SIGNED_IN = "user.signed_in",
  USER_SIGN_IN_FAILED = "user.sign_in_failed",
  USER_SIGNED_OUT = "user.signed_out",
  ORGANIZATION_CREATED = "organization.created",
  ORGANIZATION_UPDATED = "organization.updated",
  ORGANIZATION_DELETED = "organization.deleted",
  LOCATION_CREATED = "location.created",
  LOCATION_UPDATED = "location.updated",
  LOCATION_DELETED = "location.deleted",
  MEMBER_ADDED = "member.added",
  MEMBER_ROLE_CHANGED = "member.role_changed",
  MEMBER_REMOVED = "member.removed",
  ROLE_CREATED = "role.created",
  ROLE_UPDATED = "role.updated",
  ROLE_DELETED = "role.deleted",
  AGREEMENT_ACCEPTED = "agreement.accepted",
  KEY_CREATED = "key.created",
  KEY_UPDATED = "key.updated",
  KEY_REVEALED = "key.revealed",
  KEY_ROTATED = "key.rotated",
  KEY_REVOKED = "key.revoked",
  KEY_DISABLED = "key.disabled",
  KEY_ENABLED = "key.enabled",
  KEY_APPROVED = "key.approved",
  KEY_DELETED = "key.deleted",
  KEY_LEAKED = "key.leaked",
  KEY_EXPIRED = "key.expired",
  KEY_DISABLED_FOR_INACTIVITY = "key.disabled_for_inactivity",
  KEY_DELETED_FOR_INACTIVITY = "key.deleted_for_inactivity",
}

registerEnumType(AuditAction, { name: "AuditAction", description: "What an audit entry records." });
