import { Migration } from '@mikro-orm/migrations';

/**
 * Trigram indexes for the users search (a case-insensitive substring of name or email). Written by
 * hand: the generator cannot create the extension. pg_trgm is a trusted extension (PostgreSQL 13+),
 * so the database's owner may create it; PGlite loads it (server/db/database.ts).
 */
export class Migration20261126100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create index "users_name_trgm_index" on "users" using gin ("name" gin_trgm_ops);`);
    this.addSql(`create index "users_email_trgm_index" on "users" using gin ("email" gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "users_name_trgm_index";`);
    this.addSql(`drop index if exists "users_email_trgm_index";`);
  }

}
