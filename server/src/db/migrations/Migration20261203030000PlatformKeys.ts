import { Migration } from "@mikro-orm/migrations";

/** Platform keys for the host's backend (issue 12 §2), and the audit log's record of which one acted. */
export class Migration20261203030000PlatformKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "platform_keys" ("id" uuid not null, "created_at" timestamptz not null default now(), "name" text not null, "digest" text not null, "masked_secret" text not null, "revoked_at" timestamptz null, constraint "platform_keys_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "platform_keys" add constraint "platform_keys_digest_unique" unique ("digest");`);
    this.addSql(`alter table "audit_entries" add column "actor_platform_key_id" uuid null;`);
    this.addSql(`alter table "audit_entries" drop constraint if exists "audit_entries_action_check";`);
    this.addSql(
      `alter table "audit_entries" add constraint "audit_entries_action_check" check("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'user.provisioned', 'user.updated', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted', 'agreement.accepted', 'key.created', 'key.updated', 'key.revealed', 'key.rotated', 'key.revoked', 'key.disabled', 'key.enabled', 'key.approved', 'key.deleted', 'key.leaked', 'key.expired', 'key.disabled_for_inactivity', 'key.deleted_for_inactivity', 'webhook.created', 'webhook.updated', 'webhook.paused', 'webhook.resumed', 'webhook.secret_rotated', 'webhook.deleted', 'webhook.disabled', 'webhook.test_sent', 'webhook.redelivered', 'platform_key.created', 'platform_key.revoked'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_entries" drop constraint if exists "audit_entries_action_check";`);
    this.addSql(
      `alter table "audit_entries" add constraint "audit_entries_action_check" check("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted', 'agreement.accepted', 'key.created', 'key.updated', 'key.revealed', 'key.rotated', 'key.revoked', 'key.disabled', 'key.enabled', 'key.approved', 'key.deleted', 'key.leaked', 'key.expired', 'key.disabled_for_inactivity', 'key.deleted_for_inactivity', 'webhook.created', 'webhook.updated', 'webhook.paused', 'webhook.resumed', 'webhook.secret_rotated', 'webhook.deleted', 'webhook.disabled', 'webhook.test_sent', 'webhook.redelivered'));`,
    );
    this.addSql(`alter table "audit_entries" drop column "actor_platform_key_id";`);
    this.addSql(`drop table if exists "platform_keys" cascade;`);
  }
}
