import { Migration } from "@mikro-orm/migrations";

/** The API agreement's terms, so members read what they accept (issue 14). Organizations so far have none. */
export class Migration20261203010000AgreementText extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "organizations" add column "agreement_text" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "organizations" drop column "agreement_text";`);
  }
}
