import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { maskContactsIn, maskRecipient } from '@herald/channels';
import { deliveryMetrics } from '@herald/observability';
import { AlertMessage, OPERATOR_ALERTS, OperatorAlerts } from './operator-alerts.port';

/** What an operator needs to know about one dead letter. */
export interface DeadLetterFacts {
  notificationId: string;
  merchant: string;
  orderReference: string | null;
  channel: string;
  recipient: string;
  /** Where it was going when that is not a customer (a merchant's webhook host): shown as is, instead of the masked recipient. */
  destination?: string;
  queue: string;
  errorCode: string | null;
  errorMessage: string;
  attempts: number;
}

const target = (facts: DeadLetterFacts) => facts.destination ?? maskRecipient(facts.recipient);

/** Dead letters arriving within this window go out as one message. */
const BATCH_WINDOW_MS = 1000;
/** Up to this many dead letters are described one by one; more become a summary with counts. */
const DETAILED_UP_TO = 3;
const SAMPLES_IN_SUMMARY = 5;

interface Pending {
  facts: DeadLetterFacts;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Exactly one alert per dead letter, but a burst (a provider outage dead-letters hundreds at once) becomes a
 * handful of grouped messages with counts rather than a message per job.
 */
@Injectable()
export class DeadLetterAlerts implements OnModuleDestroy {
  private readonly logger = new Logger(DeadLetterAlerts.name);
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly boardUrl: string;

  constructor(
    @Inject(OPERATOR_ALERTS) private readonly alerts: OperatorAlerts,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.boardUrl = `${config.publicUrl}/admin/queues/queue/dead-letter?status=failed`;
  }

  /** Resolves once the alert that covers this dead letter has been delivered. */
  report(facts: DeadLetterFacts): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ facts, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!batch.length) return;
    const messages = batch.length <= DETAILED_UP_TO ? batch.map((p) => this.describeOne(p.facts)) : [this.summarize(batch.map((p) => p.facts))];
    const counted = { destination: this.alerts.destination };
    try {
      for (const message of messages) {
        await this.alerts.send(message);
        deliveryMetrics.operatorAlerts.inc({ ...counted, outcome: 'delivered' });
      }
      batch.forEach((p) => p.resolve());
    } catch (error) {
      deliveryMetrics.operatorAlerts.inc({ ...counted, outcome: 'failed' });
      this.logger.error({ msg: 'could not deliver a dead-letter alert', count: batch.length, error: (error as Error).message });
      batch.forEach((p) => p.reject(error));
    }
  }

  describeOne(facts: DeadLetterFacts): AlertMessage {
    const reason = `${facts.errorCode ?? 'error'}: ${maskContactsIn(facts.errorMessage)}`;
    const what = facts.orderReference ? `order ${facts.orderReference}` : 'a one-off message';
    return {
      text: `Dead letter: ${facts.channel} for ${what} of ${facts.merchant} to ${target(facts)} failed (${reason})`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Dead letter on ${facts.queue}` } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: `*Merchant*\n${facts.merchant}` },
            { type: 'mrkdwn', text: `*Order*\n${facts.orderReference ?? '—'}` },
            { type: 'mrkdwn', text: `*Channel*\n${facts.channel}` },
            { type: 'mrkdwn', text: `*Recipient*\n${target(facts)}` },
            { type: 'mrkdwn', text: `*Error*\n${reason}` },
            { type: 'mrkdwn', text: `*Attempts*\n${facts.attempts}` },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Notification \`${facts.notificationId}\` · <${this.boardUrl}|Retry in Bull Board>` }] },
      ],
    };
  }

  summarize(letters: DeadLetterFacts[]): AlertMessage {
    const count = (key: (f: DeadLetterFacts) => string) => {
      const counts = new Map<string, number>();
      for (const letter of letters) counts.set(key(letter), (counts.get(key(letter)) ?? 0) + 1);
      return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name}: ${n}`).join('\n');
    };
    const samples = letters
      .slice(0, SAMPLES_IN_SUMMARY)
      .map((f) => `• ${f.merchant} ${f.orderReference ?? ''} ${f.channel} ${target(f)}: ${f.errorCode ?? 'error'} ${maskContactsIn(f.errorMessage)}`)
      .join('\n');
    return {
      text: `${letters.length} dead letters in the last second: ${count((f) => f.errorCode ?? 'error').replace(/\n/g, ', ')}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `${letters.length} dead letters` } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: `*By error*\n${count((f) => f.errorCode ?? 'error')}` },
            { type: 'mrkdwn', text: `*By merchant*\n${count((f) => f.merchant)}` },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: `*Examples*\n${samples}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `<${this.boardUrl}|Review and retry in Bull Board>` }] },
      ],
    };
  }
}
