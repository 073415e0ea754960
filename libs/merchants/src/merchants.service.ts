import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig, RETENTION_LIMITS } from '@herald/config';
import { DomainError, ErrorCode, notFound } from '@herald/errors';
import { RedisSignals } from '@herald/events';
import { FrequencyCaps, hasFrequencyCaps } from '@herald/frequency-caps';
import { MerchantChangeSet, MerchantEntity, MerchantRepository } from '@herald/persistence';
import { leadTimeWithin, QuietHours, ReminderPolicy } from '@herald/scheduling';
import { INITIAL_KEY_NAME, mintApiKey } from './api-keys.service';
import { reminderPolicyColumns } from './merchant-settings';
import { MerchantView, toMerchantView } from './merchant.view';
import { DEFAULT_RETENTION, retentionProblem } from './retention-setting';

export interface NewMerchantInput {
  name: string;
  timezone?: string;
  defaultReminderBefore?: string;
}

/** A change of settings; `null` clears what may be cleared (quiet hours, senders). Inputs are already validated. */
export interface MerchantSettingsChanges {
  name?: string;
  timezone?: string;
  defaultLocale?: string;
  quietHours?: QuietHours | null;
  reminderPolicy?: ReminderPolicy;
  smsFrom?: string | null;
  /** The merchant's own number at a provider; null: none there any more (`smsFrom` is used there). */
  smsFromByProvider?: Partial<Record<string, string | null>>;
  emailSenderName?: string | null;
  retention?: string;
  frequencyCaps?: { perDay: number | null; perWeek: number | null };
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class MerchantsService {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly signals: RedisSignals,
    private readonly caps: FrequencyCaps,
    @InjectConfig() private readonly config: Pick<HeraldConfig, 'maxScheduleAhead' | 'retention'>,
  ) {}

  /**
   * 400 `invalid_reminder_policy` for a lead time longer than MAX_SCHEDULE_AHEAD: no pickup can be that far ahead, and
   * every order that inherits such a policy (P7000Y) would have its reminder before any date Postgres holds.
   */
  private checkLeadTime(field: string, policy: ReminderPolicy): void {
    if (leadTimeWithin(policy, this.config.maxScheduleAhead, new Date())) return;
    const message = `the lead time is longer than ${this.config.maxScheduleAhead} (MAX_SCHEDULE_AHEAD)`;
    throw new DomainError('invalid', 'invalid_reminder_policy', `${field}: ${message}`, { issues: [{ path: field, message, code: 'invalid_reminder_policy' }] });
  }

  /**
   * 422 `retention_out_of_range` outside P1D..P3Y, 422 `retention_above_maximum` beyond this Herald's MAX_RETENTION
   * (which an operator may set lower than P3Y). The format itself was checked with the request (400 `invalid_retention`).
   */
  private checkRetention(retention: string): void {
    const problem = retentionProblem(retention, this.config.retention.max, new Date());
    if (!problem) return;
    const [code, message]: [ErrorCode, string] =
      problem === 'too_short'
        ? ['retention_out_of_range', `${retention} is shorter than ${RETENTION_LIMITS.shortest}, the shortest retention`]
        : problem === 'too_long'
          ? ['retention_out_of_range', `${retention} is longer than ${RETENTION_LIMITS.longest}, the longest retention`]
          : ['retention_above_maximum', `${retention} is longer than ${this.config.retention.max}, the longest retention this Herald keeps data (MAX_RETENTION)`];
    throw new DomainError('unprocessable', code, `retention: ${message}`, { issues: [{ path: 'retention', message, code }] });
  }

  /**
   * Creates a merchant and its first API key (scope `full`, named `initial`), and returns the key: the only time it is
   * ever shown. Its reminder policy is the lead time `defaultReminderBefore` (default P1D); the other settings start
   * empty (see updateSettings).
   */
  async create(input: NewMerchantInput): Promise<{ merchant: MerchantEntity; apiKey: string; defaultReminderBefore: string }> {
    const { apiKey, row: initialKey } = mintApiKey(INITIAL_KEY_NAME, 'full');
    const defaultReminderBefore = input.defaultReminderBefore ?? 'P1D';
    this.checkLeadTime('defaultReminderBefore', { before: defaultReminderBefore });
    const merchant = await this.merchants.create(
      {
        id: randomUUID(),
        name: input.name,
        timezone: input.timezone ?? 'UTC',
        defaultReminderBefore,
        defaultReminderDaysBefore: null,
        defaultReminderAt: null,
        defaultLocale: 'en',
        quietHoursStart: null,
        quietHoursEnd: null,
        smsFrom: null,
        smsFromByProvider: {},
        emailSenderName: null,
        retention: DEFAULT_RETENTION,
      },
      initialKey,
    );
    return { merchant, apiKey, defaultReminderBefore };
  }

  async findById(id: string): Promise<MerchantEntity | null> {
    return this.merchants.findById(id);
  }

  settings(merchant: MerchantEntity): MerchantView {
    return toMerchantView(merchant, this.config.retention.max);
  }

  /**
   * Changes the merchant's settings. Orders created from now on follow them; reminders already planned keep their time
   * (an order keeps the policy it was planned with). Every API process sees the change at once: each request reads its
   * merchant with its key.
   */
  async updateSettings(merchant: MerchantEntity, changes: MerchantSettingsChanges): Promise<MerchantView> {
    const set: MerchantChangeSet = {
      name: changes.name,
      timezone: changes.timezone,
      defaultLocale: changes.defaultLocale,
      smsFrom: changes.smsFrom,
      emailSenderName: changes.emailSenderName,
      retention: changes.retention,
    };
    if (changes.retention !== undefined) this.checkRetention(changes.retention);
    if (changes.frequencyCaps) {
      set.bulkCapPerDay = changes.frequencyCaps.perDay;
      set.bulkCapPerWeek = changes.frequencyCaps.perWeek;
    }
    if (changes.quietHours !== undefined) {
      set.quietHoursStart = changes.quietHours?.start ?? null;
      set.quietHoursEnd = changes.quietHours?.end ?? null;
    }
    if (changes.reminderPolicy) {
      this.checkLeadTime('before' in changes.reminderPolicy ? 'reminderPolicy.before' : 'reminderPolicy.daysBefore', changes.reminderPolicy);
      const { before, daysBefore, at } = reminderPolicyColumns(changes.reminderPolicy);
      Object.assign(set, { defaultReminderBefore: before, defaultReminderDaysBefore: daysBefore, defaultReminderAt: at });
    }
    // Before the caps apply: counts from a time they were on before are stale (sends while off were not counted).
    if (changes.frequencyCaps && hasFrequencyCaps(changes.frequencyCaps) && !hasFrequencyCaps(merchant)) await this.caps.capsSwitchedOn(merchant.id);
    const smsNumbers = this.smsNumbersAfter(merchant, changes, set);
    const changed = Object.fromEntries(Object.entries(set).filter(([, value]) => value !== undefined));
    let updated: MerchantEntity | null;
    try {
      updated = smsNumbers ? await this.merchants.updateClaimingSmsNumbers(merchant.id, changed, smsNumbers) : await this.merchants.update(merchant.id, changed);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      updated = null;
    }
    if (!updated) throw new DomainError('conflict', 'sms_sender_taken', 'one of these SMS numbers is another merchant’s sender');
    return toMerchantView(updated, this.config.retention.max);
  }

  /**
   * When the SMS senders change: every number the merchant will send from (each must be its alone), with the merged
   * numbers by provider put in `set`; undefined when they do not change. Numbers by provider need `smsFrom`: a STOP to
   * any of them is recorded against it too, since the customer cannot tell which provider carried a text.
   */
  private smsNumbersAfter(merchant: MerchantEntity, changes: MerchantSettingsChanges, set: MerchantChangeSet): string[] | undefined {
    if (changes.smsFrom === undefined && changes.smsFromByProvider === undefined) return undefined;
    const byProvider = { ...merchant.smsFromByProvider };
    for (const [provider, number] of Object.entries(changes.smsFromByProvider ?? {})) {
      if (number === null) delete byProvider[provider];
      else if (number !== undefined) byProvider[provider] = number;
    }
    const smsFrom = changes.smsFrom === undefined ? merchant.smsFrom : changes.smsFrom;
    const numbers = Object.values(byProvider).filter((n): n is string => Boolean(n));
    if (numbers.length > 0 && !smsFrom) {
      throw new DomainError(
        'unprocessable',
        'sms_sender_required',
        'numbers by provider need smsFrom, your main number: a STOP texted to any of them stops the texts from smsFrom too',
      );
    }
    if (changes.smsFromByProvider !== undefined) set.smsFromByProvider = byProvider;
    return [...(smsFrom ? [smsFrom] : []), ...numbers];
  }

  /** Every merchant, newest first: `limit` of them after the cursor's. */
  page(after: { createdAt: Date; id: string } | undefined, limit: number): Promise<MerchantEntity[]> {
    return this.merchants.page(after, limit);
  }

  /**
   * Disables or enables the merchant (404 `merchant_not_found`). A disabled merchant's keys answer 401
   * `merchant_disabled` on every API process at once (each request reads its key and merchant), and its open event
   * streams end within moments (the `access` signal, see LiveStreams).
   */
  async setDisabled(id: string, disabled: boolean): Promise<MerchantEntity> {
    const updated = await this.merchants.setDisabled(id, disabled ? new Date() : null);
    if (!updated) throw notFound('merchant');
    if (disabled) this.signals.publish('access', [id]);
    return updated;
  }
}
