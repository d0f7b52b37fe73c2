import { Migration } from '@mikro-orm/migrations';

/**
 * Tells every server instance when a user's sign-in identity changes, so that each may keep the
 * actors it authenticated in memory (server/services/actor-directory.ts) instead of reading them on
 * every request. Whatever writes (an instance, the operator's CLI, psql), the database itself sends
 * `NOTIFY tracker_actors` with the ids of the users whose roles, email, token version, existence
 * or client access list changed: comma-separated, or `*` for "all of them" (a truncate, or too many
 * ids for one notification). PostgreSQL delivers notifications only when the change commits, and
 * not at all when it rolls back. Statement-level triggers with transition tables: one notification
 * per statement, however many rows it touched (deleting a client can change thousands of lists).
 * Written by hand: the generator knows nothing of triggers.
 */
export class Migration20261126120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function "tracker_notify_actors"(ids int[]) returns void language plpgsql as $$
declare
  payload text;
begin
  if cardinality(ids) = 0 then
    return;
  end if;
  payload := array_to_string(ids, ',');
  -- A notification's payload must stay under 8000 bytes.
  if length(payload) > 7900 then
    payload := '*';
  end if;
  perform pg_notify('tracker_actors', payload);
end $$;`);
    this.addSql(`create function "tracker_users_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."roles" is distinct from n."roles" or o."email" is distinct from n."email"
        or o."token_version" is distinct from n."token_version"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_users_deleted"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(select "id" from "old_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_user_clients_inserted"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(select distinct "user_id" from "new_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_user_clients_deleted"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(select distinct "user_id" from "old_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_user_clients_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_actors"(array(select "user_id" from "old_rows" union select "user_id" from "new_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_actors_truncated"() returns trigger language plpgsql as $$
begin
  perform pg_notify('tracker_actors', '*');
  return null;
end $$;`);
    this.addSql(`create trigger "users_actor_updated" after update on "users" referencing old table as "old_rows" new table as "new_rows" for each statement execute function "tracker_users_updated"();`);
    this.addSql(`create trigger "users_actor_deleted" after delete on "users" referencing old table as "old_rows" for each statement execute function "tracker_users_deleted"();`);
    this.addSql(`create trigger "users_actor_truncated" after truncate on "users" for each statement execute function "tracker_actors_truncated"();`);
    this.addSql(`create trigger "user_clients_actor_inserted" after insert on "user_clients" referencing new table as "new_rows" for each statement execute function "tracker_user_clients_inserted"();`);
    this.addSql(`create trigger "user_clients_actor_deleted" after delete on "user_clients" referencing old table as "old_rows" for each statement execute function "tracker_user_clients_deleted"();`);
    this.addSql(`create trigger "user_clients_actor_updated" after update on "user_clients" referencing old table as "old_rows" new table as "new_rows" for each statement execute function "tracker_user_clients_updated"();`);
    this.addSql(`create trigger "user_clients_actor_truncated" after truncate on "user_clients" for each statement execute function "tracker_actors_truncated"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_actor_updated" on "users";`);
    this.addSql(`drop trigger if exists "users_actor_deleted" on "users";`);
    this.addSql(`drop trigger if exists "users_actor_truncated" on "users";`);
    this.addSql(`drop trigger if exists "user_clients_actor_inserted" on "user_clients";`);
    this.addSql(`drop trigger if exists "user_clients_actor_deleted" on "user_clients";`);
    this.addSql(`drop trigger if exists "user_clients_actor_updated" on "user_clients";`);
    this.addSql(`drop trigger if exists "user_clients_actor_truncated" on "user_clients";`);
    this.addSql(`drop function if exists "tracker_actors_truncated"();`);
    this.addSql(`drop function if exists "tracker_user_clients_updated"();`);
    this.addSql(`drop function if exists "tracker_user_clients_deleted"();`);
    this.addSql(`drop function if exists "tracker_user_clients_inserted"();`);
    this.addSql(`drop function if exists "tracker_users_deleted"();`);
    this.addSql(`drop function if exists "tracker_users_updated"();`);
    this.addSql(`drop function if exists "tracker_notify_actors"(int[]);`);
  }

}
