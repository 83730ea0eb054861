import { Migration } from "@mikro-orm/migrations";

/** Each webhook attempt keeps the headers it sent, so a receiver's signature trouble can be debugged. */
export class Migration20261123070000WebhookRequestHeaders extends Migration {
  override async up(): Promise<void> {
    // Attempts made before this have no record of their headers: an empty object says so.
    this.addSql(`alter table "webhook_attempts" add column "request_headers" jsonb not null default '{}';`);
    this.addSql(`alter table "webhook_attempts" alter column "request_headers" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_attempts" drop column "request_headers";`);
  }
}
