import { Migration } from "@mikro-orm/migrations";

/** In-app notifications, one per user and domain event. */
export class Migration20261123030000Notifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "notifications" ("id" uuid not null, "created_at" timestamptz not null default now(), "user_id" uuid not null, "event_id" uuid not null, "type" text not null, "message" text not null, "data" jsonb not null, "read_at" timestamptz null, constraint "notifications_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "notifications_user_id_id_index" on "notifications" ("user_id", "id");`);
    this.addSql(`alter table "notifications" add constraint "notifications_user_id_event_id_unique" unique ("user_id", "event_id");`);
    this.addSql(
      `alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notifications" cascade;`);
  }
}
