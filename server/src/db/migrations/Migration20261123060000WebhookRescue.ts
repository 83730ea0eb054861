import { Migration } from "@mikro-orm/migrations";

/** Lets the rescue sweep find overdue webhook messages without reading the settled ones. */
export class Migration20261123060000WebhookRescue extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "webhook_messages_due_index" on "webhook_messages" ("next_attempt_at") where "status" in ('PENDING', 'DELIVERING');`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "webhook_messages_due_index";`);
  }
}
