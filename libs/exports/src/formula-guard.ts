import { E164_NUMBER } from '@herald/channels';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`, a
 * tab or a carriage return, and the full-width forms Apple Numbers folds into them (the same set csv-stringify's
 * `escape_formulas` uses).
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * A cell that would run as a formula gets a leading `'`, which spreadsheets show as text; phone numbers in E.164
 * stay as stored (a number is the worst a spreadsheet can make of them), so the column remains readable and exact.
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_TRIGGERS.has(cell[0]) && !E164_NUMBER.test(cell) ? `'${cell}` : cell;
}
