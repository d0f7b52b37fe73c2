import { Migration } from '@mikro-orm/migrations';

export class Migration20261126083253 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clients" ("id" serial primary key, "name" varchar(200) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create unique index "clients_name_lower_unique" on "clients" (lower("name"));`);

    this.addSql(`create table "login_failures" ("id" bigserial primary key, "email" varchar(254) not null, "source" varchar(64) null, "created_at" timestamptz not null);`);
    this.addSql(`create index "login_failures_email_created_at_index" on "login_failures" ("email", "created_at");`);

    this.addSql(`create table "users" ("id" serial primary key, "name" varchar(200) not null, "email" varchar(254) not null, "password_hash" varchar(100) not null, "roles" text[] not null, "notify_by_email" boolean not null default true, "notify_in_ui" boolean not null default true, "token_version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, constraint users_roles_check check (cardinality("roles") >= 1 and "roles" <@ array['admin', 'user']::text[]));`);
    this.addSql(`create unique index "users_email_lower_unique" on "users" (lower("email"));`);

    this.addSql(`create table "user_clients" ("user_id" int not null, "client_id" int not null, constraint "user_clients_pkey" primary key ("user_id", "client_id"));`);
    this.addSql(`create index "user_clients_client_id_index" on "user_clients" ("client_id");`);

    this.addSql(`alter table "user_clients" add constraint "user_clients_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_clients" add constraint "user_clients_client_id_foreign" foreign key ("client_id") references "clients" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "user_clients" drop constraint "user_clients_client_id_foreign";`);

    this.addSql(`alter table "user_clients" drop constraint "user_clients_user_id_foreign";`);

    this.addSql(`drop table if exists "clients" cascade;`);

    this.addSql(`drop table if exists "login_failures" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "user_clients" cascade;`);
  }

}
