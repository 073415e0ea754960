import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError, notFound } from '@herald/errors';
import { FrequencyCaps, hasFrequencyCaps } from '@herald/frequency-caps';
import { MerchantChangeSet, MerchantEntity, MerchantRepository } from '@herald/persistence';
import { leadTimeWithin, QuietHours, ReminderPolicy } from '@herald/scheduling';
import { INITIAL_KEY_NAME, mintApiKey } from './api-keys.service';
import { reminderPolicyColumns } from './merchant-settings';
import { MerchantView, toMerchantView } from './merchant.view';

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
  emailSenderName?: string | null;
  frequencyCaps?: { perDay: number | null; perWeek: number | null };
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class MerchantsService {
  constructor(
    private readonly merchants: MerchantRepository,
    private readonly caps: FrequencyCaps,
    @InjectConfig() private readonly config: Pick<HeraldConfig, 'maxScheduleAhead'>,
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
        emailSenderName: null,
      },
      initialKey,
    );
    return { merchant, apiKey, defaultReminderBefore };
  }

  async findById(id: string): Promise<MerchantEntity | null> {
    return this.merchants.findById(id);
  }

  settings(merchant: MerchantEntity): MerchantView {
    return toMerchantView(merchant);
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
    };
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
    let updated: MerchantEntity;
    try {
      updated = await this.merchants.update(merchant.id, Object.fromEntries(Object.entries(set).filter(([, value]) => value !== undefined)));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DomainError('conflict', 'sms_sender_taken', `${changes.smsFrom} is another merchant’s sender`);
      }
      throw error;
    }
    return toMerchantView(updated);
  }

  /** Every merchant, newest first: `limit` of them after the cursor's. */
  page(after: { createdAt: Date; id: string } | undefined, limit: number): Promise<MerchantEntity[]> {
    return this.merchants.page(after, limit);
  }

  /**
   * Disables or enables the merchant (404 `merchant_not_found`). A disabled merchant's keys answer 401
   * `merchant_disabled` on every API process at once (each request reads its key and merchant).
   */
  async setDisabled(id: string, disabled: boolean): Promise<MerchantEntity> {
    const updated = await this.merchants.setDisabled(id, disabled ? new Date() : null);
    if (!updated) throw notFound('merchant');
    return updated;
  }
}
