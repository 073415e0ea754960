import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, ApiKeyView, MAX_API_KEYS } from '@herald/merchants';
import type { ApiKeyEntity, MerchantEntity } from '@herald/persistence';
import { apiKeyListView, createApiKeyBody, CreateApiKeyBody, createApiKeyExamples, createdApiKeyView } from '../dto/api-key.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentApiKey, CurrentMerchant, LiveOnly, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiIdParam, ApiZodBody, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';
import { idParam } from './id-param';

/** The calling merchant's API keys: make one (shown once), list them, revoke one. */
@ApiTags('api-keys')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @LiveOnly()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Make an API key; the key in the answer is shown once',
    description:
      `Needs a \`full\` key. A merchant holds at most ${MAX_API_KEYS} keys. Scopes: \`full\` (every /v1 route), \`read\` (GET routes, ` +
      'the event stream and its stream tokens) and `test` (what a full key does, in your test world: nothing reaches a provider).',
  })
  @ApiZodBody(createApiKeyBody, createApiKeyExamples)
  @ApiZodResponse(201, createdApiKeyView, 'The key, with the key itself (shown once)')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  @ApiErrorResponse(409, 'too_many_api_keys')
  create(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(createApiKeyBody)) body: CreateApiKeyBody) {
    return this.apiKeys.create(merchant.id, body);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys, oldest first: name, scope, prefix, when made and last used (never the keys)' })
  @ApiZodResponse(200, apiKeyListView, 'Your keys')
  async list(@CurrentMerchant() merchant: MerchantEntity): Promise<{ data: ApiKeyView[] }> {
    return { data: await this.apiKeys.list(merchant.id) };
  }

  @Delete(':id')
  @LiveOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key: from now on, on every API process, it answers 401',
    description:
      'Needs a `full` key. Any key may be revoked, the `initial` one too, but not the one the request is made with ' +
      '(409 `api_key_in_use`): rotate by making a new key, moving to it, then revoking the old one with the new. The event streams ' +
      'the key opened (itself or with its stream tokens) end within moments, after a last `event: stream.closed`, and its stream ' +
      'tokens open nothing more.',
  })
  @ApiIdParam('api_key')
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrorResponse(404, 'api_key_not_found')
  @ApiErrorResponse(409, 'api_key_in_use')
  async revoke(@CurrentMerchant() merchant: MerchantEntity, @CurrentApiKey() key: ApiKeyEntity, @Param('id', idParam('api_key')) id: string): Promise<void> {
    await this.apiKeys.revoke(merchant.id, id, key.id);
  }
}
