import { Migration } from '@mikro-orm/migrations';

export class Migration20261126092319 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_events" ("id" bigserial primary key, "at" timestamptz not null, "actor_id" int null, "actor_label" varchar(300) not null, "channel" varchar(16) not null, "action" varchar(64) not null, "target_type" varchar(32) null, "target_id" varchar(64) null, "changes" jsonb null, "source_address" varchar(64) null);`);
    this.addSql(`create index "audit_events_at_index" on "audit_events" ("at");`);
    this.addSql(`create index "audit_events_actor_id_at_index" on "audit_events" ("actor_id", "at");`);
    this.addSql(`create index "audit_events_target_at_index" on "audit_events" ("target_type", "target_id", "at");`);
    this.addSql(`create index "audit_events_action_at_index" on "audit_events" ("action", "at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "audit_events" cascade;`);
  }

}
