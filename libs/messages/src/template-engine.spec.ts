import { DomainError } from '@herald/errors';
import { renderTemplateText, validateTemplate } from './template-engine';

/** The DomainError a template is refused with, or null when it is accepted. */
function refusal(kind: Parameters<typeof validateTemplate>[0], text: string): Pick<DomainError, 'code' | 'message' | 'details'> | null {
  try {
    validateTemplate(kind, text);
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

describe('merchant templates', () => {
  it('accept the variables of their kind, sections on them and comments', () => {
    expect(refusal('reminder', '{{#customerName}}Hi {{customerName}}, {{/customerName}}{{reference}} {{pickupWhen}} {{! note }}{{^customerName}}Hello{{/customerName}}')).toBeNull();
    expect(refusal('campaign', 'Closed on Monday — {{shopName}}')).toBeNull();
  });

  it('refuse an unknown variable, naming it and its line and column', () => {
    expect(refusal('reminder', 'Hi {{customerName}},\nsee you {{unknown}}')).toEqual({
      code: 'template_unknown_variable',
      message: expect.stringMatching(/^Unknown variable \{\{unknown\}\} .* at line 2, column 9$/),
      details: { position: { offset: 29, line: 2, column: 9 }, variable: 'unknown' },
    });
    expect(refusal('reminder', '{{#pickupWhen}}{{ shop.name }}{{/pickupWhen}}')).toMatchObject({ code: 'template_unknown_variable', details: { variable: 'shop.name', position: { offset: 15 } } });
  });

  it('refuse order variables in a campaign, which is about no order', () => {
    expect(refusal('campaign', 'Your order {{reference}}')).toMatchObject({ code: 'template_unknown_variable', details: { variable: 'reference', position: { column: 12 } } });
  });

  it('refuse syntax errors with where the parser stopped', () => {
    expect(refusal('reminder', 'Hi {{customerName')).toMatchObject({ code: 'template_syntax_error', message: 'Unclosed tag at line 1, column 18', details: { position: { offset: 17 } } });
    expect(refusal('reminder', '{{#customerName}}Hi')).toMatchObject({ code: 'template_syntax_error', message: 'Unclosed section "customerName" at line 1, column 20' });
    expect(refusal('reminder', 'Hi\n{{/customerName}}')).toMatchObject({ code: 'template_syntax_error', details: { position: { line: 2, column: 1 } } });
    expect(refusal('reminder', '{{}}')).toMatchObject({ code: 'template_syntax_error', message: 'Empty tag at line 1, column 1' });
  });

  it('refuse partials and delimiter changes', () => {
    expect(refusal('reminder', 'a {{> footer}}')).toMatchObject({ code: 'template_tag_not_allowed', details: { position: { column: 3 } } });
    expect(refusal('reminder', '{{=<% %>=}}<%reference%>')).toMatchObject({ code: 'template_tag_not_allowed' });
  });

  it('render plain text: nothing is HTML-escaped', () => {
    expect(renderTemplateText('{{shopName}} & co: {{{shopName}}} {{&shopName}} <ok>', { shopName: 'R&D "Café" <Lune>' })).toBe(
      'R&D "Café" <Lune> & co: R&D "Café" <Lune> R&D "Café" <Lune> <ok>',
    );
  });

  it('render a section only when its variable has a value', () => {
    const text = '{{#customerName}}Hi {{customerName}}, {{/customerName}}{{^customerName}}Hello, {{/customerName}}ready.';
    expect(renderTemplateText(text, { customerName: 'Ada' })).toBe('Hi Ada, ready.');
    expect(renderTemplateText(text, { customerName: '' })).toBe('Hello, ready.');
  });
});
