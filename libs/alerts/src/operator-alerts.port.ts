/** A Slack-compatible message: `text` is the fallback shown in notifications, `blocks` the Block Kit layout. */
export interface AlertMessage {
  text: string;
  blocks: unknown[];
}

/** Where operators hear about trouble: Slack when configured, the log otherwise. */
export interface OperatorAlerts {
  /** Names the destination in metrics. */
  readonly destination: 'slack' | 'log';
  send(message: AlertMessage): Promise<void>;
}

export const OPERATOR_ALERTS = Symbol('OPERATOR_ALERTS');
