import { DomainError } from '@herald/errors';
import { RENDERED_MAX, smsSizeOf, VARIABLE_MAX_LENGTH } from '@herald/messages';
import type { MerchantEntity, MessageTemplateRepository } from '@herald/persistence';
import { TemplatesService } from './templates.service';

/** A preview reads no template: the repository is never asked. */
const service = new TemplatesService({} as MessageTemplateRepository);

const merchantNamed = (name: string) => ({ id: 'm-1', name, timezone: 'Asia/Riyadh', defaultLocale: 'ar' }) as MerchantEntity;
const arabicShop = merchantNamed('م'.repeat(VARIABLE_MAX_LENGTH.shopName));

type PreviewRequest = Parameters<TemplatesService['preview']>[1];

function refusal(request: PreviewRequest) {
  try {
    service.preview(arabicShop, request);
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

/*
 * The largest previews the API takes (bodies up to 10,000 characters), each at its channel's bound: an SMS rendering
 * 1,600 UCS-2 characters to count, an email body rendering close to 20,000, and the most tags a body can hold.
 */
const largestAllowed: Record<string, PreviewRequest> = {
  smsAtItsBound: { kind: 'confirmation', locale: 'ar', channel: 'sms', body: `${'{{shopName}}'.repeat(7)}${'ب'.repeat(RENDERED_MAX.smsBody - 7 * 202)}` },
  emailAtItsBound: { kind: 'confirmation', locale: 'ar', channel: 'email', subject: '{{shopName}}'.repeat(4), body: `${'{{shopName}}'.repeat(52)}${'ب'.repeat(10_000 - 52 * 12)}` },
  mostTags: { kind: 'confirmation', locale: 'ar', channel: 'email', body: '{{! c }}'.repeat(1250) },
  deepestSections: { kind: 'confirmation', locale: 'ar', channel: 'sms', body: `${'{{#customerName}}'.repeat(290)}x${'{{/customerName}}'.repeat(290)}` },
};

describe('template previews are bounded', () => {
  it('refuses the issue’s preview ({{shopName}} × 833) before rendering it, with how long it could render', () => {
    expect(refusal({ kind: 'confirmation', locale: 'ar', channel: 'sms', body: '{{shopName}}'.repeat(833) })).toEqual({
      code: 'template_too_long',
      message: 'body: could render 168266 characters with every variable at its longest, more than the 1600 an SMS may have',
      details: { field: 'body', channel: 'sms', longestRendering: 168_266, max: 1600 },
    });
    expect(refusal({ kind: 'confirmation', locale: 'ar', channel: 'email', subject: '{{shopName}}'.repeat(5), body: 'x' })).toMatchObject({
      code: 'template_too_long',
      details: { field: 'subject', channel: 'email', longestRendering: 1010, max: 1000 },
    });
  });

  it('takes the largest texts its bounds allow, and renders them within those bounds', () => {
    for (const [name, request] of Object.entries(largestAllowed)) expect([name, refusal(request)]).toEqual([name, null]);
    const sms = service.preview(arabicShop, largestAllowed.smsAtItsBound);
    expect(sms.text).toHaveLength(RENDERED_MAX.smsBody);
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: smsSizeOf(sms.text).segments });
    expect(sms.segments).toBe(Math.ceil(RENDERED_MAX.smsBody / 67));
    expect(service.preview(arabicShop, largestAllowed.emailAtItsBound).text.length).toBeLessThanOrEqual(RENDERED_MAX.emailBody);
  });

});
