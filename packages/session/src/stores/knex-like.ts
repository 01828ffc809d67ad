/*
 * The part of a knex (v3) instance that SqlStore uses, described here rather
 * than imported from knex: the published declarations then name no driver, so a
 * project without knex installed compiles with `skipLibCheck: false`. A real
 * `Knex` is assignable to `KnexLike` (the store tests pass real instances to
 * the typechecked `new SqlStore({ knex })`).
 */

/** A knex instance: called with a table name it starts a query. */
export interface KnexLike {
  <Row extends object = Record<string, unknown>>(table: string): KnexQueryLike<Row>;
  /** A raw SQL fragment (`??` binds an identifier, `?` a value), passed back into a query. */
  raw(sql: string, bindings: readonly string[]): unknown;
  readonly schema: KnexSchemaLike;
  /** Read for the dialect: `client.config.client` is the client name ('pg', 'mysql2', 'better-sqlite3') or class. */
  readonly client: { readonly config: { readonly client?: unknown } };
}

/** A query on one table; awaiting it runs it. */
export interface KnexQueryLike<Row extends object> {
  select(...columns: string[]): KnexQueryLike<Row>;
  where(values: Readonly<Record<string, string | number>>): KnexQueryLike<Row>;
  where(column: string, value: string | number): KnexQueryLike<Row>;
  where(column: string, operator: string, value: number): KnexQueryLike<Row>;
  andWhere(column: string, operator: string, value: number): KnexQueryLike<Row>;
  /** The first matching row, or undefined. */
  first(): PromiseLike<Row | undefined>;
  insert(row: Readonly<Record<string, unknown>>): KnexInsertLike;
  /** Resolves to the number of rows updated. */
  update(values: Readonly<Record<string, unknown>>): PromiseLike<number>;
  /** Resolves to the number of rows deleted. */
  delete(): PromiseLike<number>;
}

/** An INSERT: awaited as is, or turned into an upsert with `onConflict(column).merge(values)`. */
export interface KnexInsertLike extends PromiseLike<unknown> {
  onConflict(column: string): { merge(values: Readonly<Record<string, unknown>>): PromiseLike<unknown> };
}

export interface KnexSchemaLike {
  hasTable(table: string): Promise<boolean>;
  createTable(table: string, build: (table: KnexTableBuilderLike) => void): PromiseLike<unknown>;
}

/** The column builders SqlStore's CREATE TABLE uses. */
export interface KnexTableBuilderLike {
  charset(charset: string): unknown;
  string(column: string, length: number): KnexColumnBuilderLike;
  text(column: string, textType: string): KnexColumnBuilderLike;
  bigInteger(column: string): KnexColumnBuilderLike;
}

export interface KnexColumnBuilderLike {
  primary(): unknown;
  notNullable(): KnexColumnBuilderLike;
  index(indexName: string): unknown;
  defaultTo(value: number): unknown;
}
