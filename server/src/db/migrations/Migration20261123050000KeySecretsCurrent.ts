import { Migration } from "@mikro-orm/migrations";

/**
 * At most one current secret (`expires_at is null`) per key, held by the database and not only by
 * rotation's row lock. Should a key already have several, the older ones are first superseded as a
 * rotation with the longest grace period (7 days) would: none stops working because of a migration.
 */
export class Migration20261123050000KeySecretsCurrent extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update "key_secrets" set "expires_at" = now() + interval '7 days' where "id" in (select "id" from (select "id", row_number() over (partition by "key_id" order by "created_at" desc, "id" desc) as "newness" from "key_secrets" where "expires_at" is null) as "current" where "newness" > 1);`,
    );
    this.addSql(`create unique index "key_secrets_current_unique" on "key_secrets" ("key_id") where "expires_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "key_secrets_current_unique";`);
  }
}
