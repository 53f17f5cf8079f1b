import { Kysely, sql, type CompiledQuery, type RawBuilder } from "kysely";
import { D1Dialect } from "kysely-d1";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;

/** A Kysely instance over the D1 binding together with the binding, for batches. */
export interface DbHandle {
  db: Db;
  d1: D1Database;
}

export function createDb(d1: D1Database): DbHandle {
  return { db: new Kysely<Database>({ dialect: new D1Dialect({ database: d1 }) }), d1 };
}

/** A Kysely query builder or a raw `sql` statement. */
export interface Statement {
  compile(db: Db): CompiledQuery;
}

/**
 * Runs Kysely queries as one D1 batch: one round trip, executed as a transaction
 * (all statements apply or none). Returns each statement's result rows.
 */
export async function runBatch(handle: DbHandle, queries: Statement[]): Promise<unknown[][]> {
  const statements = queries.map((query) => {
    const compiled = query.compile(handle.db);
    return handle.d1.prepare(compiled.sql).bind(...(compiled.parameters as unknown[]));
  });
  const results = await handle.d1.batch(statements);
  return results.map((result) => result.results ?? []);
}

/**
 * `INSERT INTO table (columns) SELECT values WHERE condition`: a row written only if the
 * condition holds when the statement runs, e.g. a cap still has room, or (`changes() > 0`) the
 * previous statement of the same batch did change something.
 */
export function insertWhere<Row extends object>(table: string, row: Row, condition: RawBuilder<unknown>) {
  const columns = Object.keys(row) as (keyof Row & string)[];
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${sql.join(columns.map((c) => sql`${row[c]}`))} WHERE ${condition}`;
}

/** The condition that the previous statement in the same batch changed at least one row. */
export const previousStatementChanged = sql`changes() > 0`;
