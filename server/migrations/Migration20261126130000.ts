import { Migration } from '@mikro-orm/migrations';

/**
 * The number of users, kept exact by the database: every users page shows `total`, and counting
 * 100,000 rows for each page was a third of what PostgreSQL spent on it. Statement-level triggers
 * add and subtract the rows each statement inserted or deleted, inside the same transaction, so
 * the count is as transactional as the rows (a rollback takes it back; each transaction sees its
 * own). Two transactions that create or delete users at once wait for each other on the one row:
 * user creation is rare and short (its password is hashed before the transaction starts). Only
 * the unfiltered total is kept; a search still counts its matches. Written by hand: the generator
 * knows nothing of triggers, and skips the table (mikro-orm.config.ts).
 */
export class Migration20261126130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "user_totals" ("id" boolean primary key default true, "total" int not null, constraint "user_totals_one_row" check ("id"));`);
    this.addSql(`insert into "user_totals" ("total") select count(*) from "users";`);
    this.addSql(`create function "tracker_users_counted"() returns trigger language plpgsql as $$
declare
  delta int;
begin
  if tg_op = 'INSERT' then
    select count(*) into delta from "new_rows";
  elsif tg_op = 'DELETE' then
    select -count(*) into delta from "old_rows";
  else
    update "user_totals" set "total" = 0;
    return null;
  end if;
  if delta <> 0 then
    update "user_totals" set "total" = "total" + delta;
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "users_counted_inserted" after insert on "users" referencing new table as "new_rows" for each statement execute function "tracker_users_counted"();`);
    this.addSql(`create trigger "users_counted_deleted" after delete on "users" referencing old table as "old_rows" for each statement execute function "tracker_users_counted"();`);
    this.addSql(`create trigger "users_counted_truncated" after truncate on "users" for each statement execute function "tracker_users_counted"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "users_counted_inserted" on "users";`);
    this.addSql(`drop trigger if exists "users_counted_deleted" on "users";`);
    this.addSql(`drop trigger if exists "users_counted_truncated" on "users";`);
    this.addSql(`drop function if exists "tracker_users_counted"();`);
    this.addSql(`drop table if exists "user_totals";`);
  }

}
