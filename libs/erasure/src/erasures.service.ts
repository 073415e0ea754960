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

  async request(merchant: Pick<MerchantEntity, 'id'>, customerId: string): Promise<ErasureAcceptedView> {
    const requested = await this.erasures.request(merchant.id, customerId, randomUUID());
    if (!requested) throw notFound('customer');
    const { erasure, restarted } = requested;
    if (erasure.status === 'requested') await settleCommittedWork(`erasure ${erasure.id}`, () => this.jobs.ensure(erasure.id));
    this.logger.log({ msg: 'customer erasure requested', erasureId: erasure.id, merchantId: merchant.id, customerId, status: erasure.status, restarted });
    return { ...toErasureView(erasure), erasureId: erasure.id };
  }

  async get(merchant: Pick<MerchantEntity, 'id'>, id: string): Promise<ErasureView> {
    const erasure = await this.erasures.findForMerchant(merchant.id, id);
    if (!erasure) throw notFound('erasure');
    return toErasureView(erasure);
  }
}
