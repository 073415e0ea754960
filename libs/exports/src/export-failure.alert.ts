import type { AlertMessage } from '@herald/alerts';
import { maskContactsIn, maskRecipient } from '@herald/channels';
import type { ExportKind } from '@herald/persistence';

export interface ExportFailureFacts {
  merchant: string;
  day: string;
  kind: ExportKind;
  recipients: readonly string[];
  errorCode: string | null;
  error: string;
  attempts: number;
}

/** What an operator is told when a day's export failed for good; recipients are masked like any address. */
export function describeExportFailure(facts: ExportFailureFacts): AlertMessage {
  const reason = `${facts.errorCode ?? 'error'}: ${maskContactsIn(facts.error)}`;
  const what = facts.kind === 'resend' ? 'Resent export' : 'Daily export';
  const recipients = facts.recipients.map(maskRecipient).join(', ');
  return {
    text: `${what} failed: orders of ${facts.day} for ${facts.merchant} to ${recipients} (${reason})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${what} failed` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Merchant*\n${facts.merchant}` },
          { type: 'mrkdwn', text: `*Day*\n${facts.day}` },
          { type: 'mrkdwn', text: `*Recipients*\n${recipients}` },
          { type: 'mrkdwn', text: `*Error*\n${reason}` },
          { type: 'mrkdwn', text: `*Attempts*\n${facts.attempts}` },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'The merchant can download the file (`GET /v1/exports/:day.csv`), or send it again once the cause is fixed (`POST /v1/exports/:day/resend`).',
          },
        ],
      },
    ],
  };
}
