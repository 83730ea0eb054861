import { Migration } from "@mikro-orm/migrations";

/**
 * Fan-out jobs per statement instead of per row: the events one insert commits together (a burst
 * of key changes, a bulk import) are queued as jobs of up to 20 events each, so that one job fans
 * them out with a few statements and their deliveries share claims and settlements. As before, an
 * event is queued in its own transaction, and only for an organisation with a live endpoint.
 */
export class Migration20261203040000WebhookFanOutBatches extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function "latchkey_enqueue_webhook_fan_out"() returns trigger language plpgsql as $$
begin
  perform graphile_worker.add_job('latchkey_webhook_fan_out', json_build_object('eventIds', batch.ids), max_attempts := 25)
  from (
    select array_agg(listened.id order by listened.id) as ids
    from (
      select inserted.id, (row_number() over (order by inserted.id) - 1) / 20 as batch_number
      from inserted
      where inserted.organization_id is not null and exists (
        select 1 from webhook_endpoints
        where organization_id = inserted.organization_id and status in ('ENABLED', 'PAUSED')
      )
    ) listened
    group by listened.batch_number
  ) batch;
  return null;
end $$;`);
    this.addSql(`drop trigger "domain_events_webhook_fan_out" on "domain_events";`);
    this.addSql(
      `create trigger "domain_events_webhook_fan_out" after insert on "domain_events" referencing new table as inserted for each statement execute function "latchkey_enqueue_webhook_fan_out"();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "domain_events_webhook_fan_out" on "domain_events";`);
    this.addSql(`create or replace function "latchkey_enqueue_webhook_fan_out"() returns trigger language plpgsql as $$
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
}
