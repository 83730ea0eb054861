import { Migration } from "@mikro-orm/migrations";

/** Platform keys for the host's backend (issue 12 §2), and the audit log's record of which one acted. */
export class Migration20261203030000PlatformKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "platform_keys" ("id" uuid not null, "created_at" timestamptz not null default now(), "name" text not null, "digest" text not null, "masked_secret" text not null, "revoked_at" timestamptz null, constraint "platform_keys_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "platform_keys" add constraint "platform_keys_digest_unique" unique ("digest");`);
    this.addSql(`alter table "audit_entries" add column "actor_platform_key_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_entries" drop column "actor_platform_key_id";`);
    this.addSql(`drop table if exists "platform_keys" cascade;`);
  }
}
