import { Migration } from "@mikro-orm/migrations";

/** API keys and their secrets, API agreement acceptances, key policies, and the domain-event outbox. */
export class Migration20261123010000ApiKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "domain_events" ("id" uuid not null, "type" text not null, "organization_id" uuid null, "subject_id" uuid null, "payload" jsonb not null, "occurred_at" timestamptz not null default now(), constraint "domain_events_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "domain_events_organization_id_id_index" on "domain_events" ("organization_id", "id");`);
    this.addSql(
      `create table "api_keys" ("id" uuid not null, "created_at" timestamptz not null default now(), "organization_id" uuid not null, "location_id" uuid null, "name" text not null, "kind" text check ("kind" in ('SECRET', 'KEY_PAIR', 'BASIC', 'OAUTH_CLIENT')) not null, "state" text check ("state" in ('PENDING', 'ACTIVE', 'DISABLED', 'REVOKED', 'EXPIRED')) not null default 'ACTIVE', "personal" boolean not null default false, "public_id" text null, "masked_secret" text not null, "created_by_id" uuid null, "mapped_user_id" uuid not null, "scopes" text[] not null, "contact_name" text null, "contact_email" text null, "contact_phone" text null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "allowed_cidrs" text[] not null default '{}', "revoked_at" timestamptz null, "revoked_reason" text null, "updated_at" timestamptz not null default now(), constraint "api_keys_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "api_keys_location_id_index" on "api_keys" ("location_id");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_public_id_unique" unique ("public_id");`);
    this.addSql(`create index "api_keys_mapped_user_id_index" on "api_keys" ("mapped_user_id");`);
    this.addSql(`create index "api_keys_expires_at_index" on "api_keys" ("expires_at");`);
    this.addSql(`create index "api_keys_organization_id_id_index" on "api_keys" ("organization_id", "id");`);
    this.addSql(
      `create table "key_secrets" ("id" uuid not null, "key_id" uuid not null, "digest" text not null, "sealed" text null, "created_at" timestamptz not null default now(), "expires_at" timestamptz null, constraint "key_secrets_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "key_secrets_key_id_index" on "key_secrets" ("key_id");`);
    this.addSql(`alter table "key_secrets" add constraint "key_secrets_digest_unique" unique ("digest");`);
    this.addSql(
      `create table "agreement_acceptances" ("id" uuid not null, "user_id" uuid not null, "organization_id" uuid not null, "version" int not null, "accepted_at" timestamptz not null default now(), constraint "agreement_acceptances_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "agreement_acceptances" add constraint "agreement_acceptances_user_id_organization_id_version_unique" unique ("user_id", "organization_id", "version");`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_location_id_foreign" foreign key ("location_id") references "locations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_mapped_user_id_foreign" foreign key ("mapped_user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "key_secrets" add constraint "key_secrets_key_id_foreign" foreign key ("key_id") references "api_keys" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "agreement_acceptances" add constraint "agreement_acceptances_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "agreement_acceptances" add constraint "agreement_acceptances_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "organizations" add column "max_key_lifetime_days" int null default 366, add column "require_key_approval" boolean not null default false;`,
    );
    // The audit log learns the key actions.
    this.addSql(`alter table "audit_entries" drop constraint if exists "audit_entries_action_check";`);
    this.addSql(
      `alter table "audit_entries" add constraint "audit_entries_action_check" check("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted', 'agreement.accepted', 'key.created', 'key.updated', 'key.revealed', 'key.rotated', 'key.revoked', 'key.disabled', 'key.enabled', 'key.approved', 'key.deleted', 'key.leaked'));`,
    );

    // Wake listeners on every instance when an event is committed; they read the row itself.
    this.addSql(`create function domain_events_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('latchkey_events', json_build_object('id', new.id, 'type', new.type, 'subjectId', new.subject_id)::text);
        return new;
      end
    $$;`);
    this.addSql(
      `create trigger domain_events_notify after insert on "domain_events" for each row execute function domain_events_notify();`,
    );
  }

  override async down(): Promise<void> {
    for (const table of ["key_secrets", "api_keys", "agreement_acceptances", "domain_events"]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql("drop function if exists domain_events_notify();");
    this.addSql(`alter table "organizations" drop column "max_key_lifetime_days", drop column "require_key_approval";`);
  }
}
