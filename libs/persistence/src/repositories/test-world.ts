/**
 * The rows of one world of a merchant, in SQL: `<alias>.test` for what its test keys made, `NOT <alias>.test` for its
 * live data. Written out rather than bound, so the planner can use the test world's partial indexes (`WHERE test`).
 */
export const inWorld = (alias: string, test: boolean) => (test ? `${alias}.test` : `NOT ${alias}.test`);

/** Whose rows: one merchant's, in its live world or in the world of its test keys. */
export interface Tenant {
  merchantId: string;
  test: boolean;
}
