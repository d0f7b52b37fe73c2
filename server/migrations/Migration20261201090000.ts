import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions, and sign-in attempts counted before their password is checked.
 *
 * - `sessions`: one row per sign-in; a token names its session, and a session ends at its expiry,
 *   at logout, when revoked, when its user's password changes, and with its user. When a session
 *   ends (ended_at set, or the row deleted), the database tells every server instance, as it does
 *   for users (Migration20261126120000): `NOTIFY tracker_actors` with `s:` and the session ids.
 * - `users.token_version` goes: ending the sessions is what revokes the tokens now.
 * - `login_failures.pending`: an attempt in flight, recorded before the hash compare so that
 *   guesses arriving together are counted together.
 * Written by hand: the generator knows nothing of triggers.
 */
export class Migration20261201090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "sessions" ("id" bigserial primary key, "user_id" int not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ended_at" timestamptz null, "user_agent" varchar(300) null, "address" varchar(64) null);`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);
    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create function "tracker_notify_sessions"(ids bigint[]) returns void language plpgsql as $$
declare
  payload text;
begin
  if cardinality(ids) = 0 then
    return;
  end if;
  payload := 's:' || array_to_string(ids, ',');
  -- A notification's payload must stay under 8000 bytes.
  if length(payload) > 7900 then
    payload := 's:*';
  end if;
  perform pg_notify('tracker_actors', payload);
end $$;`);
    this.addSql(`create function "tracker_sessions_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_sessions"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."ended_at" is distinct from n."ended_at" or o."expires_at" is distinct from n."expires_at" or o."user_id" is distinct from n."user_id"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_sessions_deleted"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_sessions"(array(select "id" from "old_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_sessions_truncated"() returns trigger language plpgsql as $$
begin
  perform pg_notify('tracker_actors', 's:*');
  return null;
end $$;`);
    this.addSql(`create trigger "sessions_actor_updated" after update on "sessions" referencing old table as "old_rows" new table as "new_rows" for each statement execute function "tracker_sessions_updated"();`);
    this.addSql(`create trigger "sessions_actor_deleted" after delete on "sessions" referencing old table as "old_rows" for each statement execute function "tracker_sessions_deleted"();`);
    this.addSql(`create trigger "sessions_actor_truncated" after truncate on "sessions" for each statement execute function "tracker_sessions_truncated"();`);

    // Users: the notification no longer speaks of a token version.
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email"));
  return null;
end $$;`);
    this.addSql(`alter table "users" drop column "token_version";`);

    this.addSql(`alter table "login_failures" add column "pending" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "login_failures" drop column "pending";`);
    this.addSql(`alter table "users" add column "token_version" int not null default 1;`);
    this.addSql(`create or replace function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email"
        or o."token_version" is distinct from n."token_version"));
  return null;
end $$;`);
    this.addSql(`drop trigger if exists "sessions_actor_updated" on "sessions";`);
    this.addSql(`drop trigger if exists "sessions_actor_deleted" on "sessions";`);
    this.addSql(`drop trigger if exists "sessions_actor_truncated" on "sessions";`);
    this.addSql(`drop function if exists "tracker_sessions_truncated"();`);
    this.addSql(`drop function if exists "tracker_sessions_deleted"();`);
    this.addSql(`drop function if exists "tracker_sessions_updated"();`);
    this.addSql(`drop function if exists "tracker_notify_sessions"(bigint[]);`);
    this.addSql(`drop table if exists "sessions" cascade;`);
  }

}
