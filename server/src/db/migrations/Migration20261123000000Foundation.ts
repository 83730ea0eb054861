import { Migration } from "@mikro-orm/migrations";

/** Users, sessions, organisations with locations, roles, memberships and the append-only audit log. */
export class Migration20261123000000Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_entries" ("id" uuid not null, "occurred_at" timestamptz not null default now(), "action" text check ("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted')) not null, "organization_id" uuid null, "actor_user_id" uuid null, "actor_key_id" uuid null, "target_type" text not null, "target_id" uuid not null, "reason" text null, "ip_address" text null, "user_agent" text null, "request_id" text null, "metadata" jsonb not null default '{}', constraint "audit_entries_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_entries_actor_user_id_index" on "audit_entries" ("actor_user_id");`);
    this.addSql(`create index "audit_entries_target_id_index" on "audit_entries" ("target_id");`);
    this.addSql(`create index "audit_entries_organization_id_id_index" on "audit_entries" ("organization_id", "id");`);
    this.addSql(
      `create table "organizations" ("id" uuid not null, "created_at" timestamptz not null default now(), "name" text not null, "api_access_for_non_admins" boolean not null default false, "agreement_version" int not null default 1, "reveal_policy" text check ("reveal_policy" in ('REVEALABLE', 'SHOW_ONCE')) not null default 'REVEALABLE', "inactivity_days" int not null default 90, "expiry_warning_days" integer[] not null default '{15,7,1}', constraint "organizations_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "locations" ("id" uuid not null, "created_at" timestamptz not null default now(), "organization_id" uuid not null, "name" text not null, "address" text null, constraint "locations_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "locations_organization_id_index" on "locations" ("organization_id");`);
    this.addSql(`alter table "locations" add constraint "locations_organization_id_name_unique" unique ("organization_id", "name");`);
    this.addSql(
      `create table "roles" ("id" uuid not null, "created_at" timestamptz not null default now(), "organization_id" uuid not null, "name" text not null, "description" text null, "built_in" text check ("built_in" in ('OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER')) null, "permissions" text[] not null, constraint "roles_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "roles_organization_id_index" on "roles" ("organization_id");`);
    this.addSql(`alter table "roles" add constraint "roles_organization_id_name_unique" unique ("organization_id", "name");`);
    this.addSql(
      `create table "users" ("id" uuid not null, "created_at" timestamptz not null default now(), "email" text not null, "name" text not null, "password_hash" text not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(
      `create table "sessions" ("id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "revoked_at" timestamptz null, "ip_address" text null, "user_agent" text null, constraint "sessions_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create table "memberships" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "organization_id" uuid not null, "role_id" uuid not null, constraint "memberships_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "memberships_organization_id_index" on "memberships" ("organization_id");`);
    this.addSql(`create index "memberships_role_id_index" on "memberships" ("role_id");`);
    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_organization_id_unique" unique ("user_id", "organization_id");`,
    );
    this.addSql(
      `alter table "locations" add constraint "locations_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "roles" add constraint "roles_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "memberships" add constraint "memberships_role_id_foreign" foreign key ("role_id") references "roles" ("id") on update cascade on delete restrict;`,
    );

    // The audit log is append-only: the database itself refuses to change or remove history,
    // whatever code (or person with SQL access through the app's role) tries.
    this.addSql(`create function audit_entries_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_entries is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end
    $$;`);
    this.addSql(`create trigger audit_entries_no_update_or_delete before update or delete on "audit_entries"
      for each row execute function audit_entries_append_only();`);
    this.addSql(`create trigger audit_entries_no_truncate before truncate on "audit_entries"
      for each statement execute function audit_entries_append_only();`);
  }

  override async down(): Promise<void> {
    for (const table of ["memberships", "sessions", "roles", "locations", "users", "organizations", "audit_entries"]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
    this.addSql("drop function if exists audit_entries_append_only();");
  }
}
