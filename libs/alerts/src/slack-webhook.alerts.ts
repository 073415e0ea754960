import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfter } from '@herald/channels';
import { AlertMessage, OperatorAlerts } from './operator-alerts.port';

const ATTEMPTS = 4;
const FIRST_RETRY_MS = 500;
const TIMEOUT_MS = 5000;

/** Posts to a Slack incoming webhook, with its own retries: an alert must not be lost to one bad second at Slack. */
export class SlackWebhookAlerts implements OperatorAlerts {
  readonly destination = 'slack';
  private readonly logger = new Logger(SlackWebhookAlerts.name);

  constructor(private readonly webhookUrl: string) {}

  async send(message: AlertMessage): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      let wait = FIRST_RETRY_MS * 2 ** (attempt - 1);
      try {
        const response = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.ok) return;
        const retryable = response.status === 429 || response.status >= 500;
        if (!retryable) throw new Error(`Slack refused the alert: HTTP ${response.status} ${await response.text()}`);
        wait = Math.max(wait, parseRetryAfter(response.headers.get('retry-after') ?? undefined) ?? 0);
        if (attempt >= ATTEMPTS) throw new Error(`Slack answered HTTP ${response.status} ${ATTEMPTS} times`);
      } catch (error) {
        if (attempt >= ATTEMPTS || (error as Error).message.startsWith('Slack refused')) throw error;
      }
      this.logger.warn(`Slack alert attempt ${attempt} failed; retrying in ${wait} ms`);
      await sleep(wait);
    }
  }
}
