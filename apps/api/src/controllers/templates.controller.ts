import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { TemplateKind } from '@herald/messages';
import type { MerchantEntity } from '@herald/persistence';
import { builtInTextListView, templateListView, templatePreviewView, TemplatesService, templateView } from '@herald/templates';
import {
  listTemplatesQuery,
  ListTemplatesQuery,
  previewTemplateBody,
  PreviewTemplateBody,
  previewTemplateExamples,
  putTemplateBody,
  PutTemplateBody,
  putTemplateExamples,
  TEMPLATE_FIELD_CODES,
  templateChannelQuery,
  TemplateChannelQuery,
  templateKindParam,
  templateLocaleParam,
} from '../dto/template.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentMerchant, LiveOnly, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

/** The `:kind/:locale` a template sits at. */
const ApiTemplateAddress = () =>
  applyDecorators(
    ApiParam({ name: 'kind', description: 'The kind of message.', schema: { type: 'string', enum: [...templateKindParam.options], example: 'reminder' } }),
    ApiParam({ name: 'locale', description: 'Its language, a BCP 47 tag (`ar`, `fr`, `fr-CA`); stored canonical.', schema: { type: 'string', example: 'ar' } }),
  );

const TEMPLATE_ERRORS = ['template_syntax_error', 'template_unknown_variable', 'template_tag_not_allowed', 'template_too_long', 'validation_failed', 'malformed_json'] as const;

/**
 * The merchant's own texts, one per kind × locale × channel (or for every channel), used instead of Herald's built-in
 * texts when a message of that kind goes out in that language.
 */
@ApiTags('templates')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Your templates' })
  @ApiZodQuery(listTemplatesQuery)
  @ApiZodResponse(200, templateListView, 'Your templates')
  @ApiErrorResponse(400, 'invalid_query')
  async list(@CurrentMerchant() merchant: MerchantEntity, @Query(new ZodPipe(listTemplatesQuery, 'invalid_query')) query: ListTemplatesQuery) {
    return { data: await this.templates.list(merchant, query) };
  }

  @Get('defaults')
  @ApiOperation({ summary: 'Herald’s built-in texts, to start a template from', description: 'What messages use when you have no template of their kind in their language.' })
  @ApiZodResponse(200, builtInTextListView, 'Every built-in text')
  defaults() {
    return { data: this.templates.builtInTexts() };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render a text with sample values, and see its SMS encoding and segment count',
    description: 'Sample values: customer Ada, order A-1042, pickup tomorrow at 10:00 in your time zone, your shop name. Nothing is saved or sent.',
  })
  @ApiZodBody(previewTemplateBody, previewTemplateExamples)
  @ApiZodResponse(200, templatePreviewView, 'The rendered text; for SMS its encoding and segments')
  @ApiErrorResponse(400, ...TEMPLATE_ERRORS)
  preview(@CurrentMerchant() merchant: MerchantEntity, @Body(new ZodPipe(previewTemplateBody)) body: PreviewTemplateBody) {
    return this.templates.preview(merchant, body);
  }

  @Get(':kind/:locale')
  @ApiOperation({ summary: 'One of your templates' })
  @ApiTemplateAddress()
  @ApiZodQuery(templateChannelQuery)
  @ApiZodResponse(200, templateView, 'The template')
  @ApiErrorResponse(400, 'validation_failed', 'invalid_query')
  @ApiErrorResponse(404, 'template_not_found')
  get(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('kind', new ZodPipe(templateKindParam)) kind: TemplateKind,
    @Param('locale', new ZodPipe(templateLocaleParam)) locale: string,
    @Query(new ZodPipe(templateChannelQuery, 'invalid_query')) query: TemplateChannelQuery,
  ) {
    return this.templates.get(merchant, { kind, locale, channel: query.channel ?? null });
  }

  @Put(':kind/:locale')
  @LiveOnly()
  @ApiOperation({
    summary: 'Create or replace a template',
    description:
      'Messages of this kind in this language use it from their next send on, including reminders already scheduled (texts are rendered ' +
      'when sent). Its `body` and `subject` are checked first: an unknown variable or a syntax error answers 400 with its position.',
  })
  @ApiTemplateAddress()
  @ApiZodBody(putTemplateBody, putTemplateExamples)
  @ApiZodResponse(201, templateView, 'Created')
  @ApiZodResponse(200, templateView, 'Replaced')
  @ApiErrorResponse(400, ...TEMPLATE_ERRORS, 'invalid_content_sid', 'invalid_content_variables')
  async put(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('kind', new ZodPipe(templateKindParam)) kind: TemplateKind,
    @Param('locale', new ZodPipe(templateLocaleParam)) locale: string,
    @Body(new ZodPipe(putTemplateBody, 'validation_failed', TEMPLATE_FIELD_CODES)) body: PutTemplateBody,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { template, created } = await this.templates.put(
      merchant,
      { kind, locale, channel: body.channel ?? null },
      { subject: body.subject ?? null, body: body.body, content: body.contentSid ? { sid: body.contentSid, variables: body.contentVariables ?? [] } : null },
    );
    response.status(created ? 201 : 200);
    return template;
  }

  @Delete(':kind/:locale')
  @LiveOnly()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a template: its messages use the built-in text again' })
  @ApiTemplateAddress()
  @ApiZodQuery(templateChannelQuery)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponse(400, 'validation_failed', 'invalid_query')
  @ApiErrorResponse(404, 'template_not_found')
  async delete(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('kind', new ZodPipe(templateKindParam)) kind: TemplateKind,
    @Param('locale', new ZodPipe(templateLocaleParam)) locale: string,
    @Query(new ZodPipe(templateChannelQuery, 'invalid_query')) query: TemplateChannelQuery,
  ): Promise<void> {
    await this.templates.delete(merchant, { kind, locale, channel: query.channel ?? null });
  }
}
