import { DateTime } from 'luxon';
import type { ExportKind } from '@herald/persistence';

export interface ExportMailFacts {
  merchantName: string;
  day: string;
  zone: string;
  kind: ExportKind;
  orderCount: number;
  /** The attached file's name; `compressed` when it is a gzip of the CSV. */
  filename: string;
  compressed: boolean;
  dueAt: Date;
  now: Date;
}

/** An automatic export sent this long after its time says it is late (a catch-up after downtime). */
const LATE_AFTER_MS = 3600_000;

/** The mail that carries a day's file; its subject names the day, so each of a catch-up's mails says which it is. */
export function composeExportMail(facts: ExportMailFacts): { subject: string; body: string } {
  const day = DateTime.fromISO(facts.day, { zone: facts.zone }).setLocale('en-GB');
  const orders = `${facts.orderCount} order${facts.orderCount === 1 ? '' : 's'}`;
  const lines = [
    `${facts.merchantName}: ${orders} created on ${day.toLocaleString(DateTime.DATE_HUGE)} (${facts.zone} time).`,
    `The file is attached: ${facts.filename}.`,
  ];
  if (facts.compressed) lines.push('It is compressed with gzip because of its size; open it with any archive tool.');
  if (facts.kind === 'resend') lines.push('You asked for this file to be sent again.');
  else if (facts.now.getTime() - facts.dueAt.getTime() > LATE_AFTER_MS) {
    const due = DateTime.fromJSDate(facts.dueAt, { zone: facts.zone }).setLocale('en-GB').toLocaleString(DateTime.DATETIME_MED);
    lines.push(`It was due on ${due} and is sent late: Herald could not send it then.`);
  }
  const resent = facts.kind === 'resend' ? ' (sent again)' : '';
  return { subject: `Orders of ${facts.day}: ${facts.merchantName}${resent}`, body: `${lines.join('\n\n')}\n` };
}
