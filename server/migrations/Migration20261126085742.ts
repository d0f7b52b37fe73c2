import { Migration } from '@mikro-orm/migrations';

export class Migration20261126085742 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_emails" ("id" bigserial primary key, "recipient" varchar(254) not null, "subject" varchar(300) not null, "text" text not null, "created_at" timestamptz not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "sent_at" timestamptz null, "last_error" text null);`);
    this.addSql(`create index "outbox_emails_pending_index" on "outbox_emails" ("sent_at", "next_attempt_at");`);

    this.addSql(`create table "tickets" ("id" serial primary key, "client_id" int not null, "title" varchar(200) not null, "description" text not null default '', "status" text check ("status" in ('OPEN', 'IN_PROGRESS', 'DONE')) not null default 'OPEN', "created_by_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "tickets_client_id_index" on "tickets" ("client_id");`);

    this.addSql(`create table "notifications" ("id" serial primary key, "user_id" int not null, "ticket_id" int null, "message" text not null, "created_at" timestamptz not null, "read_at" timestamptz null);`);
    this.addSql(`create index "notifications_user_id_read_at_id_index" on "notifications" ("user_id", "read_at", "id");`);

    this.addSql(`alter table "tickets" add constraint "tickets_client_id_foreign" foreign key ("client_id") references "clients" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "tickets" add constraint "tickets_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "notifications" add constraint "notifications_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "notifications" add constraint "notifications_ticket_id_foreign" foreign key ("ticket_id") references "tickets" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notifications" drop constraint "notifications_ticket_id_foreign";`);

    this.addSql(`drop table if exists "outbox_emails" cascade;`);

    this.addSql(`drop table if exists "tickets" cascade;`);

    this.addSql(`drop table if exists "notifications" cascade;`);
  }

}
