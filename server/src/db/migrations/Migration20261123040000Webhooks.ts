import { Migration } from "@mikro-orm/migrations";

/**
 * Webhook endpoints, their messages and attempts, and the trigger that puts every event of an
 * organisation with endpoints on the job queue in the event's own transaction: an event that
 * commits is always fanned out, even if the process dies a moment later. The job queue's schema
 * (graphile-worker's own migrations) is applied before ours, on every start.
 */
export class Migration20261123040000Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_endpoints" ("id" uuid not null, "created_at" timestamptz not null default now(), "organization_id" uuid not null, "location_id" uuid null, "created_by_id" uuid null, "url" text not null, "description" text not null default '', "event_types" text[] not null, "status" text check ("status" in ('ENABLED', 'PAUSED', 'DISABLED')) not null default 'ENABLED', "disabled_reason" text null, "failing_since" timestamptz null, "sealed_secret" text not null, "previous_sealed_secret" text null, "previous_secret_expires_at" timestamptz null, constraint "webhook_endpoints_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_endpoints_organization_id_id_index" on "webhook_endpoints" ("organization_id", "id");`);
    this.addSql(
      `create table "webhook_messages" ("id" uuid not null, "created_at" timestamptz not null default now(), "endpoint_id" uuid not null, "event_id" uuid not null, "status" text check ("status" in ('PENDING', 'DELIVERING', 'SUCCEEDED', 'FAILED', 'CANCELLED')) not null default 'PENDING', "attempt_count" int not null default 0, "next_attempt_at" timestamptz null, "lease_until" timestamptz null, "delivered_at" timestamptz null, constraint "webhook_messages_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_messages_endpoint_id_id_index" on "webhook_messages" ("endpoint_id", "id");`);
    this.addSql(
      `alter table "webhook_messages" add constraint "webhook_messages_endpoint_id_event_id_unique" unique ("endpoint_id", "event_id");`,
    );
    this.addSql(
      `create table "webhook_attempts" ("id" uuid not null, "created_at" timestamptz not null default now(), "message_id" uuid not null, "trigger" text check ("trigger" in ('SCHEDULED', 'MANUAL')) not null, "url" text not null, "response_status" int null, "response_body" text null, "latency_ms" int not null, "error" text null, constraint "webhook_attempts_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "webhook_attempts_message_id_id_index" on "webhook_attempts" ("message_id", "id");`);
    this.addSql(
      `alter table "webhook_endpoints" add constraint "webhook_endpoints_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_endpoints" add constraint "webhook_endpoints_location_id_foreign" foreign key ("location_id") references "locations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_endpoints" add constraint "webhook_endpoints_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "webhook_messages" add constraint "webhook_messages_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_messages" add constraint "webhook_messages_event_id_foreign" foreign key ("event_id") references "domain_events" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_attempts" add constraint "webhook_attempts_message_id_foreign" foreign key ("message_id") references "webhook_messages" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "audit_entries" drop constraint if exists "audit_entries_action_check";`);
    this.addSql(
      `alter table "audit_entries" add constraint "audit_entries_action_check" check("action" in ('user.signed_up', 'user.signed_in', 'user.sign_in_failed', 'user.signed_out', 'organization.created', 'organization.updated', 'organization.deleted', 'location.created', 'location.updated', 'location.deleted', 'member.added', 'member.role_changed', 'member.removed', 'role.created', 'role.updated', 'role.deleted', 'agreement.accepted', 'key.created', 'key.updated', 'key.revealed', 'key.rotated', 'key.revoked', 'key.disabled', 'key.enabled', 'key.approved', 'key.deleted', 'key.leaked', 'key.expired', 'key.disabled_for_inactivity', 'key.deleted_for_inactivity', 'webhook.created', 'webhook.updated', 'webhook.paused', 'webhook.resumed', 'webhook.secret_rotated', 'webhook.deleted', 'webhook.disabled', 'webhook.test_sent', 'webhook.redelivered'));`,
    );
    // Only organisations with a live endpoint pay for a job; the check is one index probe.
    this.addSql(`create function "latchkey_enqueue_webhook_fan_out"() returns trigger language plpgsql as $$
begin
  if new.organization_id is not null and exists (
    select 1 from webhook_endpoints
    where organization_id = new.organization_id and status in ('ENABLED', 'PAUSED')
  ) then
    perform graphile_worker.add_job('latchkey_webhook_fan_out', json_build_object('eventId', new.id), max_attempts := 25);
  end if;
  return null;
end $$;`);
    this.addSql(
      `create trigger "domain_events_webhook_fan_out" after insert on "domain_events" for each row execute function "latchkey_enqueue_webhook_fan_out"();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "domain_events_webhook_fan_out" on "domain_events";`);
    this.addSql(`drop function if exists "latchkey_enqueue_webhook_fan_out"();`);
    this.addSql(`drop table if exists "webhook_attempts" cascade;`);
    this.addSql(`drop table if exists "webhook_messages" cascade;`);
    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);
  }
}
