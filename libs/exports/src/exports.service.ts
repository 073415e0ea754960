import { Injectable } from '@nestjs/common';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { ExportLedgerRepository, ExportSettingsRepository, MerchantEntity, ScheduledExport } from '@herald/persistence';
import { ExportJobs, settleCommittedWork } from '@herald/queues';
import { addDays, dueDays, exportDueAt, localDay, nextExport } from './export-calendar';
import { CsvFile } from './export-file';
import { ExportFiles } from './export-files.service';
import {
  ExportDayState,
  ExportDayView,
  ExportEntryView,
  ExportSettingsView,
  localIso,
  toExportEntryView,
  toExportSettingsView,
} from './export.views';

export interface ExportSettingsInput {
  enabled: boolean;
  recipients: string[];
  localTime: string;
  /** Omitted: the merchant's own time zone. */
  timezone?: string;
}

export interface ExportListQuery {
  /** Days before this one (exclusive); default: up to and including today. */
  before?: string;
  limit: number;
}

/** What a merchant who never saved settings sees: exports off, at 07:00 in its own zone. */
const DEFAULT_LOCAL_TIME = '07:00';

/** The merchant's side of the daily export: its settings, its days and their ledger, a day's file, a resend. */
@Injectable()
export class ExportsService {
  constructor(
    private readonly settings: ExportSettingsRepository,
    private readonly ledger: ExportLedgerRepository,
    private readonly files: ExportFiles,
    private readonly jobs: ExportJobs,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async getSettings(merchant: MerchantEntity): Promise<ExportSettingsView> {
    const settings = await this.settings.find(merchant.id);
    if (!settings) {
      return { enabled: false, recipients: [], localTime: DEFAULT_LOCAL_TIME, timezone: merchant.timezone, nextExport: null, updatedAt: null };
    }
    return toExportSettingsView(settings, nextExport(settings, new Date()));
  }

  async saveSettings(merchant: MerchantEntity, input: ExportSettingsInput): Promise<ExportSettingsView> {
    const saved = await this.settings.save(merchant.id, { ...input, timezone: input.timezone ?? null });
    return toExportSettingsView(saved, nextExport(saved, new Date()));
  }

  /** Days newest first, each with where it stands and every ledger entry for it; `nextCursor` pages further back. */
  async list(merchant: MerchantEntity, query: ExportListQuery): Promise<{ data: ExportDayView[]; nextCursor: string | null }> {
    const now = new Date();
    const settings = await this.settings.find(merchant.id);
    const zone = settings?.zone ?? merchant.timezone;
    const today = localDay(now, zone);
    // Nothing happens before the merchant's first day, except the ledger of files exported for older days.
    const first = [localDay(merchant.createdAt, zone), (await this.ledger.firstDay(merchant.id)) ?? today].sort()[0];
    const newest = query.before && query.before <= today ? addDays(query.before, -1) : today;
    if (newest < first) return { data: [], nextCursor: null };
    const oldest = [addDays(newest, 1 - query.limit), first].sort().at(-1)!;
    const entries = await this.ledger.list(merchant.id, oldest, newest);
    const due = new Set(settings ? dueDays(settings, now, this.config.exports.catchUpDays) : []);
    const data: ExportDayView[] = [];
    for (let day = newest; day >= oldest; day = addDays(day, -1)) {
      const dueAt = exportDueAt(day, settings?.localTime ?? DEFAULT_LOCAL_TIME, zone);
      const ofDay = entries.filter((entry) => entry.day === day);
      const automatic = ofDay.find((entry) => entry.kind === 'daily');
      const state: ExportDayState = automatic?.state ?? (due.has(day) ? 'due' : settings?.enabled && dueAt > now ? 'upcoming' : 'not_scheduled');
      data.push({ day, dueAt: localIso(dueAt, zone), state, entries: ofDay.map(toExportEntryView) });
    }
    return { data, nextCursor: oldest > first ? oldest : null };
  }

  /** The day's file as it would be mailed now; today's holds the orders so far. */
  async download(merchant: MerchantEntity, day: string): Promise<CsvFile & { filename: string }> {
    const zone = await this.zoneOf(merchant);
    if (day > localDay(new Date(), zone)) throw new DomainError('unprocessable', 'day_in_future', `${day} has not begun yet in ${zone}`);
    return this.files.open(merchant.id, day, zone);
  }

  /** Sends the day's file again, on purpose: a ledger entry of its own, never the automatic one. */
  async resend(merchant: MerchantEntity, day: string): Promise<ExportEntryView> {
    const settings = await this.settings.find(merchant.id);
    if (!settings) throw new DomainError('unprocessable', 'export_settings_missing', 'set the export recipients first: PUT /v1/exports/settings');
    if (day >= localDay(new Date(), settings.zone)) {
      throw new DomainError('unprocessable', 'day_not_over', `${day} is not over yet in ${settings.zone}: only past days can be sent`);
    }
    const entry = await this.ledger.createResend(merchant.id, day, settings.recipients);
    await settleCommittedWork(`export resend ${entry.id}`, () => this.jobs.requestRuns([merchant.id], `resend-${entry.id}`));
    return toExportEntryView(entry);
  }

  private async zoneOf(merchant: MerchantEntity): Promise<string> {
    const settings: ScheduledExport | null = await this.settings.find(merchant.id);
    return settings?.zone ?? merchant.timezone;
  }
}
