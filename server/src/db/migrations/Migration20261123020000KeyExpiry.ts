import { Migration } from "@mikro-orm/migrations";

/** Warnings given before a key's expiry or inactivity deadline, the index the inactivity sweep uses, and the expiry audit actions. */
export class Migration20261123020000KeyExpiry extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "key_warnings" ("id" uuid not null, "key_id" uuid not null, "clock" text check ("clock" in ('EXPIRY', 'INACTIVITY')) not null, "threshold_days" int not null, "deadline" timestamptz not null, "created_at" timestamptz not null default now(), constraint "key_warnings_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "key_warnings" add constraint "key_warnings_key_id_clock_threshold_days_deadline_unique" unique ("key_id", "clock", "threshold_days", "deadline");`,
    );
    this.addSql(
      `alter table "key_warnings" add constraint "key_warnings_key_id_foreign" foreign key ("key_id") references "api_keys" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "audit_entries" drop constraint if exists "audit_entries_action_check";`);
    this.addSql(
      `alter table "audit_entries" add constraint "audit_entries_action_check" check("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted', 'agreement.accepted', 'key.created', 'key.updated', 'key.revealed', 'key.rotated', 'key.revoked', 'key.disabled', 'key.enabled', 'key.approved', 'key.deleted', 'key.leaked', 'key.expired', 'key.disabled_for_inactivity', 'key.deleted_for_inactivity'));`,
    );
    this.addSql(
      `create index "api_keys_inactivity_index" on "api_keys" ("organization_id", "state", (coalesce("last_used_at", "created_at")));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "key_warnings" cascade;`);
    this.addSql(`drop index if exists "api_keys_inactivity_index";`);
  }
}
