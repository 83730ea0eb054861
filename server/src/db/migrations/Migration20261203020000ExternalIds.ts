import { Migration } from "@mikro-orm/migrations";

/**
 * Latchkey behind a host product (issue 12): organisations and locations carry the host's own IDs,
 * users are found by their identity provider's (issuer, subject), and a federated user may have no
 * password at all.
 */
export class Migration20261203020000ExternalIds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organizations" add column "external_id" text null;`);
    this.addSql(`alter table "organizations" add constraint "organizations_external_id_unique" unique ("external_id");`);
    this.addSql(`alter table "locations" add column "external_id" text null;`);
    this.addSql(
      `alter table "locations" add constraint "locations_organization_id_external_id_unique" unique ("organization_id", "external_id");`,
    );
    this.addSql(`alter table "users" alter column "password_hash" drop not null;`);
    this.addSql(
      `create table "user_identities" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "issuer" text not null, "subject" text not null, constraint "user_identities_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "user_identities_user_id_index" on "user_identities" ("user_id");`);
    this.addSql(`alter table "user_identities" add constraint "user_identities_issuer_subject_unique" unique ("issuer", "subject");`);
    this.addSql(
      `alter table "user_identities" add constraint "user_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "user_identities" cascade;`);
    this.addSql(`alter table "users" alter column "password_hash" set not null;`);
    this.addSql(`alter table "locations" drop constraint "locations_organization_id_external_id_unique";`);
    this.addSql(`alter table "locations" drop column "external_id";`);
    this.addSql(`alter table "organizations" drop constraint "organizations_external_id_unique";`);
    this.addSql(`alter table "organizations" drop column "external_id";`);
  }
}
