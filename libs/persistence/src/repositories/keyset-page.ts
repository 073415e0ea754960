/**
 * A keyset page: `(created_at, id)` below the cursor's row. The cursor carries milliseconds and `created_at` has
 * microseconds, so the row's own timestamp is read back by its id (the cursor's instant stands in if it is gone).
 * `$1` must be the merchant's id: a cursor naming another merchant's row reveals nothing of it.
 */
export function pageAfterSql(table: string, alias: string, after: { createdAt: Date; id: string }, params: unknown[]): string {
  const id = `$${params.push(after.id)}::uuid`;
  const instant = `$${params.push(after.createdAt)}::timestamptz`;
  return `(${alias}.created_at, ${alias}.id) < (coalesce((SELECT created_at FROM ${table} WHERE id = ${id} AND merchant_id = $1), ${instant}), ${id})`;
}

/**
 * The same keyset condition for a table that belongs to no merchant (merchants, the audit log), in TypeORM's named
 * parameters `:afterId` and `:afterCreatedAt`.
 */
export function keysetBefore(table: string, alias: string): string {
  return `(${alias}.created_at, ${alias}.id) < (coalesce((SELECT created_at FROM ${table} WHERE id = :afterId), :afterCreatedAt), :afterId)`;
}
