import type { PGliteInterface } from '@electric-sql/pglite';
import { AbstractSqlDriver, PostgreSqlPlatform, type Configuration } from '@mikro-orm/postgresql';
import { PGliteConnection, PGliteKnexDialect, type QueryObject } from 'mikro-orm-pglite';

/**
 * The embedded database's driver: mikro-orm-pglite's, with one change below the ORM.
 *
 * MikroORM sends every statement with its values inlined as literals. The dialect underneath
 * (`@harryplusplus/knex-pglite`) ran any statement whose text split on `;` into more than one
 * piece through PGlite's `exec`, a multi-statement path whose results have another shape: a
 * semicolon inside a quoted value was enough to lose an inserted row's id, or every row a query
 * returned. Here every statement goes through PGlite's `query`, the extended protocol: one
 * statement per call, which PostgreSQL itself refuses to split ("cannot insert multiple commands
 * into a prepared statement"). So a value's text never decides how a statement runs, and stacked
 * statements cannot travel this way at all. Migrations need nothing else: each `addSql` is one
 * statement (a function body's semicolons are inside its `$$` quotes).
 */
class SingleStatementDialect extends PGliteKnexDialect {
  override async _query(connection: PGliteInterface, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    obj.response = await connection.query(obj.sql, obj.bindings ?? []);
    return obj;
  }
}

class SingleStatementConnection extends PGliteConnection {
  // The parent builds its knex client from PGliteKnexDialect and wires its data source onto it;
  // it builds it from ours instead.
  protected override createKnexClient(): ReturnType<PGliteConnection['createKnexClient']> {
    return super.createKnexClient(SingleStatementDialect as unknown as string);
  }
}

export class EmbeddedDriver extends AbstractSqlDriver {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), SingleStatementConnection, ['knex', '@electric-sql/pglite', '@harryplusplus/knex-pglite']);
  }
}
