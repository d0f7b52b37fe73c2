import { Migration } from '@mikro-orm/migrations';

/**
 * The account lifecycle: a user's status (active, invited, suspended), the links of invitations
 * and password resets (kept only as hashes), emails with an HTML part and a link that is forgotten
 * once sent, and audit entries that name their target as it was.
 *
 * A status change is announced like a role change (tracker_users_updated), so that a suspended
 * user's requests are refused at once on every instance.
 */
export class Migration20261201100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "status" text check ("status" in ('active', 'invited', 'suspended')) not null default 'active';`);
    this.addSql(`alter table "users" alter column "password_hash" drop not null;`);
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email" or o."status" is distinct from n."status"));
  return null;
end $$;`);

    this.addSql(`create table "user_links" ("id" bigserial primary key, "user_id" int not null, "purpose" text check ("purpose" in ('invite', 'reset')) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_by_id" int null);`);
    this.addSql(`create unique index "user_links_token_hash_unique" on "user_links" ("token_hash");`);
    this.addSql(`create index "user_links_user_id_purpose_index" on "user_links" ("user_id", "purpose");`);
    this.addSql(`alter table "user_links" add constraint "user_links_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_links" add constraint "user_links_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "outbox_emails" add column "html" text null, add column "link" text null;`);
    this.addSql(`alter table "audit_events" add column "target_label" varchar(300) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_events" drop column "target_label";`);
    this.addSql(`alter table "outbox_emails" drop column "html", drop column "link";`);
    this.addSql(`drop table if exists "user_links" cascade;`);
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email"));
  return null;
end $$;`);
    this.addSql(`alter table "users" alter column "password_hash" set not null;`);
    this.addSql(`alter table "users" drop column "status";`);
  }

}
