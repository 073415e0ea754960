import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Measurement } from './measurement';

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';
const COLUMNS = ['scenario', 'measure', 'Herald', 'raw baseline', 'ratio', 'goal', 'met'];

const verdict = (met: boolean | null) => (met === null ? '—' : met ? 'yes' : 'no');
const cells = (m: Measurement) => [m.scenario, m.metric, m.herald, m.baseline, m.ratio, m.goal, verdict(m.met)];

/** The results as aligned plain text, for the terminal and CI logs. */
export function textTable(rows: Measurement[]): string {
  const table = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...table.slice(1).map(line)].join('\n');
}

export function detailLines(rows: Measurement[]): string[] {
  return rows.flatMap((row) => row.details.map((detail) => `${row.scenario}: ${detail}`));
}

/**
 * Rewrites the generated part of docs/benchmarks.md (between the markers) with this run's machine, table and
 * supporting figures; the hand-written explanations around it stay as they are.
 */
export function writeResults(path: string, machine: string[], rows: Measurement[], date: Date): void {
  const markdownRow = (row: string[]) => `| ${row.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  const generated = [
    BEGIN,
    `Last full run: ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench\`.`,
    '',
    ...machine.map((line) => `- ${line}`),
    '',
    markdownRow(COLUMNS),
    markdownRow(COLUMNS.map(() => '---')),
    ...rows.map((row) => markdownRow(cells(row))),
    '',
    ...detailLines(rows).map((line) => `- ${line}`),
    END,
  ].join('\n');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    begin >= 0 && end > begin ? current.slice(0, begin) + generated + current.slice(end + END.length) : `${current.trimEnd()}\n\n${generated}\n`;
  writeFileSync(path, next);
}
