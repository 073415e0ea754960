import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError } from '@herald/errors';
import { MerchantsService } from '@herald/merchants';
import type { MerchantEntity } from '@herald/persistence';

type MerchantRequest = Request & { merchant?: MerchantEntity };

/** 401 for a merchant an operator disabled: its keys and stream tokens open nothing until it is enabled. */
export function refuseIfDisabled(merchant: MerchantEntity): MerchantEntity {
  if (merchant.disabledAt) throw new DomainError('unauthorized', 'merchant_disabled', 'this merchant is disabled; ask the operator of this Herald to enable it');
  return merchant;
}

/** `Authorization: Bearer <api key>` → the merchant; every /v1 route runs as exactly one merchant. */
@Injectable()
export class MerchantAuthGuard implements CanActivate {
  constructor(private readonly merchants: MerchantsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError('unauthorized', 'missing_api_key', 'send your API key as Authorization: Bearer <key>');
    const merchant = await this.merchants.authenticate(match[1]);
    if (!merchant) throw new DomainError('unauthorized', 'invalid_api_key', 'the API key is not valid');
    request.merchant = refuseIfDisabled(merchant);
    return true;
  }
}

export const CurrentMerchant = createParamDecorator((_: unknown, context: ExecutionContext): MerchantEntity => {
  return context.switchToHttp().getRequest<MerchantRequest>().merchant!;
});
