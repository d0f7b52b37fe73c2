import { Migration } from '@mikro-orm/migrations';

/**
 * API tokens (auth/api-tokens.ts): a row per token with the SHA-256 of its secret, never the
 * token. When a token stops working (revoked_at or expires_at set, its user changed, the row
 * deleted, with its user), the database tells every server instance, as it does for sessions
 * (Migration20261201090000): `NOTIFY tracker_actors` with `t:` and the token ids.
 * Written by hand: the generator knows nothing of triggers.
 */
export class Migration20261201120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "api_tokens" ("id" bigserial primary key, "user_id" int not null, "name" varchar(200) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null);`);
    this.addSql(`create index "api_tokens_user_id_index" on "api_tokens" ("user_id");`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create function "tracker_notify_api_tokens"(ids bigint[]) returns void language plpgsql as $$
declare
  payload text;
begin
  if cardinality(ids) = 0 then
    return;
  end if;
  payload := 't:' || array_to_string(ids, ',');
  -- A notification's payload must stay under 8000 bytes.
  if length(payload) > 7900 then
    payload := 't:*';
  end if;
  perform pg_notify('tracker_actors', payload);
end $$;`);
    this.addSql(`create function "tracker_api_tokens_updated"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_api_tokens"(array(
    select o."id" from "old_rows" o join "new_rows" n on n."id" = o."id"
     where o."revoked_at" is distinct from n."revoked_at" or o."expires_at" is distinct from n."expires_at"
        or o."user_id" is distinct from n."user_id" or o."token_hash" is distinct from n."token_hash"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_api_tokens_deleted"() returns trigger language plpgsql as $$
begin
  perform "tracker_notify_api_tokens"(array(select "id" from "old_rows"));
  return null;
end $$;`);
    this.addSql(`create function "tracker_api_tokens_truncated"() returns trigger language plpgsql as $$
begin
  perform pg_notify('tracker_actors', 't:*');
  return null;
end $$;`);
    this.addSql(`create trigger "api_tokens_actor_updated" after update on "api_tokens" referencing old table as "old_rows" new table as "new_rows" for each statement execute function "tracker_api_tokens_updated"();`);
    this.addSql(`create trigger "api_tokens_actor_deleted" after delete on "api_tokens" referencing old table as "old_rows" for each statement execute function "tracker_api_tokens_deleted"();`);
    this.addSql(`create trigger "api_tokens_actor_truncated" after truncate on "api_tokens" for each statement execute function "tracker_api_tokens_truncated"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "api_tokens_actor_updated" on "api_tokens";`);
    this.addSql(`drop trigger if exists "api_tokens_actor_deleted" on "api_tokens";`);
    this.addSql(`drop trigger if exists "api_tokens_actor_truncated" on "api_tokens";`);
    this.addSql(`drop function if exists "tracker_api_tokens_truncated"();`);
    this.addSql(`drop function if exists "tracker_api_tokens_deleted"();`);
    this.addSql(`drop function if exists "tracker_api_tokens_updated"();`);
    this.addSql(`drop function if exists "tracker_notify_api_tokens"(bigint[]);`);
    this.addSql(`drop table if exists "api_tokens" cascade;`);
  }

}
