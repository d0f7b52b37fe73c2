import { Migration } from '@mikro-orm/migrations';

export class Migration20261126090605 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "login_lockouts" ("key" varchar(300) not null, "locked_until" timestamptz not null, "level" int not null default 1, "updated_at" timestamptz not null, constraint "login_lockouts_pkey" primary key ("key"));`);

    this.addSql(`create index "login_failures_source_created_at_index" on "login_failures" ("source", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_lockouts" cascade;`);

    this.addSql(`drop index "login_failures_source_created_at_index";`);
  }

}
