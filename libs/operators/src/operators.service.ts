import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@herald/audit';
import { MerchantsService, NewMerchantInput } from '@herald/merchants';
import { decodeCursor, pageOf, RedriveFilter, RedriveService } from '@herald/notifications';
import { NotificationEntity, NotificationRepository } from '@herald/persistence';
import { NotificationJobs, settleCommittedWork } from '@herald/queues';
import { AdminMerchantPageView, AdminMerchantView, AuditPageView, toAdminMerchantView, toAuditEntryView } from './operator.views';

/** A page of an operator list: its size and the previous page's `nextCursor`. */
export interface OperatorPageQuery {
  limit: number;
  cursor?: string;
}

/** Held sends woken per round trip when a merchant is enabled. */
const RELEASE_PAGE_SIZE = 500;

/** A page of rows as views, and the cursor after it. */
function viewPage<Row extends { createdAt: Date; id: string }, View>(rows: Row[], limit: number, view: (row: Row) => View) {
  const { page, nextCursor } = pageOf(rows, limit);
  return { data: page.map(view), nextCursor };
}

/**
 * What operators do through /admin, each written to the audit log with who did it: create, list, disable and enable
 * merchants, and redrive dead letters.
 */
@Injectable()
export class OperatorsService {
  private readonly logger = new Logger(OperatorsService.name);

  constructor(
    private readonly merchants: MerchantsService,
    private readonly redrives: RedriveService,
    private readonly notifications: NotificationRepository,
    private readonly jobs: NotificationJobs,
    private readonly audit: AuditLog,
  ) {}

  async createMerchant(input: NewMerchantInput, actor: string) {
    const created = await this.merchants.create(input);
    await this.audit.record(actor, 'merchant.created', created.merchant.id, { name: created.merchant.name });
    return created;
  }

  async listMerchants({ limit, cursor }: OperatorPageQuery): Promise<AdminMerchantPageView> {
    return viewPage(await this.merchants.page(cursor ? decodeCursor(cursor) : undefined, limit + 1), limit, toAdminMerchantView);
  }

  /** Its keys are refused and its due sends wait, pending, until it is enabled. */
  async disableMerchant(id: string, actor: string): Promise<AdminMerchantView> {
    const merchant = await this.merchants.setDisabled(id, true);
    await this.audit.record(actor, 'merchant.disabled', id);
    return toAdminMerchantView(merchant);
  }

  /** Its keys work again, and the sends held while it was disabled go now. */
  async enableMerchant(id: string, actor: string): Promise<AdminMerchantView> {
    const merchant = await this.merchants.setDisabled(id, false);
    await this.audit.record(actor, 'merchant.enabled', id);
    // The merchant is enabled once this is committed: Redis being away must not turn that into a 5xx (the held jobs
    // look again by themselves, HELD_RECHECK_MS).
    await settleCommittedWork(`sends held for merchant ${id}`, async () => {
      const released = await this.releaseHeldSends(id);
      if (released) this.logger.log({ msg: 'released the sends held while the merchant was disabled', merchantId: id, released });
    });
    return toAdminMerchantView(merchant);
  }

  async redriveDeadLetters(filter: RedriveFilter, actor: string): Promise<{ redriven: number }> {
    const result = await this.redrives.redriveMatching(filter, 'admin-api');
    await this.audit.record(actor, 'dead_letters.redriven', null, { filter, ...result });
    return result;
  }

  async auditPage({ limit, cursor }: OperatorPageQuery): Promise<AuditPageView> {
    return viewPage(await this.audit.page(cursor ? decodeCursor(cursor) : undefined, limit + 1), limit, toAuditEntryView);
  }

  /**
   * The merchant's due sends, each parked by its worker until a later look (see HELD_RECHECK_MS), get their jobs
   * moved to now. Sends not yet due were never touched and go at their time.
   */
  private async releaseHeldSends(merchantId: string): Promise<number> {
    let released = 0;
    let after: NotificationEntity | null = null;
    for (;;) {
      const page = await this.notifications.duePendingPage(merchantId, after && { scheduledFor: after.scheduledFor, id: after.id }, RELEASE_PAGE_SIZE);
      for (const notification of page) await this.jobs.reschedule(notification);
      released += page.length;
      if (page.length < RELEASE_PAGE_SIZE) return released;
      after = page[page.length - 1];
    }
  }
}
