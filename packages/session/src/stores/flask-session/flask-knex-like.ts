/*
 * The part of a knex (v3) instance that SqlRecordStore uses, described here so
 * the published declarations name no driver (as knex-like.ts does for SqlStore).
 * A real `Knex` is assignable to it: the tests pass real instances.
 */

export interface FlaskKnexLike {
  <Row extends object = Record<string, unknown>>(table: string): FlaskKnexQueryLike<Row>;
  raw(sql: string, bindings: readonly string[]): unknown;
  readonly schema: FlaskKnexSchemaLike;
  readonly client: { readonly config: { readonly client?: unknown } };
}

export interface FlaskKnexQueryLike<Row extends object> {
  select(...columns: unknown[]): FlaskKnexQueryLike<Row>;
  where(values: Readonly<Record<string, unknown>>): FlaskKnexQueryLike<Row>;
  where(column: string, value: string): FlaskKnexQueryLike<Row>;
  where(column: string, operator: string, value: string): FlaskKnexQueryLike<Row>;
  andWhere(column: string, operator: string, value: string): FlaskKnexQueryLike<Row>;
  first(): PromiseLike<Row | undefined>;
  insert(row: Readonly<Record<string, unknown>>): FlaskKnexInsertLike;
  update(values: Readonly<Record<string, unknown>>): PromiseLike<number>;
  delete(): PromiseLike<number>;
}

export interface FlaskKnexInsertLike extends PromiseLike<unknown> {
  onConflict(column: string): { merge(values: Readonly<Record<string, unknown>>): PromiseLike<unknown> };
}

export interface FlaskKnexSchemaLike {
  hasTable(table: string): Promise<boolean>;
  createTable(table: string, build: (table: FlaskKnexTableBuilderLike) => void): PromiseLike<unknown>;
}

/** The column builders for Flask-Session's `sessions` table. */
export interface FlaskKnexTableBuilderLike {
  increments(column: string): unknown;
  string(column: string, length: number): { unique(): unknown };
  binary(column: string): unknown;
  datetime(column: string, options: { useTz: boolean; precision?: number }): unknown;
}
