import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { notFound } from '@herald/errors';
import { ErasureRepository, MerchantEntity } from '@herald/persistence';
import { ErasureJobs, settleCommittedWork } from '@herald/queues';
import { ErasureAcceptedView, ErasureView, toErasureView } from './erasure.view';

/**
 * Erasures as merchants ask for them: the request takes the customer out of the API at once (404 from then on) and
 * leaves the erasing to a worker; a second request for the same customer answers the erasure already asked for, and
 * resumes it if it failed.
 */
@Injectable()
export class ErasuresService {
  private readonly logger = new Logger(ErasuresService.name);

  constructor(
    private readonly erasures: ErasureRepository,
    private readonly jobs: ErasureJobs,
  ) {}

  /** `test`: asked for with a test key, which erases test customers only (a live one is not found). */
  async request(merchant: Pick<MerchantEntity, 'id'>, test: boolean, customerId: string): Promise<ErasureAcceptedView> {
    const requested = await this.erasures.request({ merchantId: merchant.id, test }, customerId, randomUUID());
    if (!requested) throw notFound('customer');
    const { erasure, restarted } = requested;
    if (erasure.status === 'requested') await settleCommittedWork(`erasure ${erasure.id}`, () => this.jobs.ensure(erasure.id));
    this.logger.log({ msg: 'customer erasure requested', erasureId: erasure.id, merchantId: merchant.id, customerId, test, status: erasure.status, restarted });
    return { ...toErasureView(erasure), erasureId: erasure.id };
  }

  async get(merchant: Pick<MerchantEntity, 'id'>, test: boolean, id: string): Promise<ErasureView> {
    const erasure = await this.erasures.findForMerchant({ merchantId: merchant.id, test }, id);
    if (!erasure) throw notFound('erasure');
    return toErasureView(erasure);
  }
}
