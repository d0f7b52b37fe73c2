import { Migration } from '@mikro-orm/migrations';

/**
 * Two-factor authentication: a user's TOTP secret (encrypted with a key the database does not
 * hold), one being enrolled until a code confirms it, the last time step whose code was used (a
 * code is accepted once), recovery codes (hashed), and the challenges between a sign-in's password
 * and its code (hashed, short-lived, single-use). Turning two-factor on or off is announced like a
 * role change, since TWO_FACTOR_REQUIRED_FOR depends on it.
 */
export class Migration20261201110000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "totp_secret" text null, add column "totp_pending_secret" text null, add column "totp_enabled_at" timestamptz null, add column "totp_last_step" bigint null;`);
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email" or o."status" is distinct from n."status"
        or o."totp_enabled_at" is distinct from n."totp_enabled_at"));
  return null;
end $$;`);

    this.addSql(`create table "recovery_codes" ("id" bigserial primary key, "user_id" int not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null, "used_at" timestamptz null);`);
    this.addSql(`create index "recovery_codes_user_id_index" on "recovery_codes" ("user_id");`);
    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "two_factor_challenges" ("id" bigserial primary key, "user_id" int not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null);`);
    this.addSql(`create unique index "two_factor_challenges_token_hash_unique" on "two_factor_challenges" ("token_hash");`);
    this.addSql(`create index "two_factor_challenges_user_id_index" on "two_factor_challenges" ("user_id");`);
    this.addSql(`alter table "two_factor_challenges" add constraint "two_factor_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "two_factor_challenges" cascade;`);
    this.addSql(`drop table if exists "recovery_codes" cascade;`);
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email" or o."status" is distinct from n."status"));
  return null;
end $$;`);
    this.addSql(`alter table "users" drop column "totp_secret", drop column "totp_pending_secret", drop column "totp_enabled_at", drop column "totp_last_step";`);
  }

}
