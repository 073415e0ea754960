import Mustache from 'mustache';
import { DomainError } from '@herald/errors';
import { ISOLATES_LENGTH, VARIABLE_MAX_LENGTH } from './message-limits';
import { TemplateKind, TemplateVariable, VARIABLES_OF_KIND } from './template-kinds';

/*
 * Merchant texts are Mustache templates: logic-less, so no text runs code. Allowed: variables (`{{reference}}`; the
 * triple and `&` forms mean the same, nothing is HTML-escaped), sections and inverted sections on a variable
 * (`{{#customerName}}…{{/customerName}}`, `{{^customerName}}…{{/customerName}}`) and comments. Refused: partials and
 * delimiter changes. SMS and email texts are plain text: `&`, `<` and quotes go out as written.
 */

/** Where in a template a problem is: the offset (0-based, in UTF-16 code units) and its line and column (1-based). */
export interface TemplatePosition {
  offset: number;
  line: number;
  column: number;
}

/** One Mustache token: [type, value, start, end, children?]. */
type Token = [string, string, number, number, Token[]?];

const VALUE_TAGS = new Set(['name', '&', '#', '^']);
const REFUSED_TAGS: Record<string, string> = { '>': 'partials are not allowed', '=': 'changing the delimiters is not allowed' };

/** Mustache's parse errors end with the offset they stopped at: `Unclosed section "x" at 42`. */
const PARSE_ERROR_OFFSET = / at (\d+)$/;

const writer = new Mustache.Writer();

function positionOf(text: string, offset: number): TemplatePosition {
  const before = text.slice(0, offset).split('\n');
  return { offset, line: before.length, column: before[before.length - 1].length + 1 };
}

function templateError(code: 'template_syntax_error' | 'template_unknown_variable' | 'template_tag_not_allowed', problem: string, text: string, offset: number, extra = {}) {
  const position = positionOf(text, offset);
  return new DomainError('invalid', code, `${problem} at line ${position.line}, column ${position.column}`, { position, ...extra });
}

/** Tokens, parsed afresh each time: merchant texts are many and small, so none is kept in Mustache's unbounded cache. */
function parse(text: string): Token[] {
  try {
    return writer.parse(text) as Token[];
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(PARSE_ERROR_OFFSET.exec(message)?.[1] ?? text.length);
    throw templateError('template_syntax_error', message.replace(PARSE_ERROR_OFFSET, ''), text, offset);
  } finally {
    writer.clearCache();
  }
}

function check(tokens: Token[], allowed: readonly string[], kind: TemplateKind, text: string): void {
  for (const [type, value, start, , children] of tokens) {
    if (REFUSED_TAGS[type]) throw templateError('template_tag_not_allowed', REFUSED_TAGS[type], text, start);
    if (!VALUE_TAGS.has(type)) continue;
    if (!value) throw templateError('template_syntax_error', 'Empty tag', text, start);
    if (!allowed.includes(value)) {
      const known = allowed.map((name) => `{{${name}}}`).join(', ');
      throw templateError('template_unknown_variable', `Unknown variable {{${value}}} (a ${kind} template knows ${known})`, text, start, { variable: value });
    }
    if (children) check(children, allowed, kind, text);
  }
}

/**
 * Refuses a text that would not render as the merchant means it: a syntax error, a variable the kind does not know, a
 * partial or a delimiter change. The DomainError (400) names the problem and its position.
 */
export function validateTemplate(kind: TemplateKind, text: string): void {
  check(parse(text), VARIABLES_OF_KIND[kind], kind, text);
}

/** The most `tokens` can render: text as written, each value at its longest with its isolates, every section once. */
function longest(tokens: Token[]): number {
  let length = 0;
  for (const [type, value, , , children] of tokens) {
    if (type === 'text') length += value.length;
    else if (type === 'name' || type === '&') length += (VARIABLE_MAX_LENGTH[value as TemplateVariable] ?? 0) + ISOLATES_LENGTH;
    else if (children) length += longest(children);
  }
  return length;
}

/**
 * The longest a validated template can render, whatever the values: a bound found from the text alone, in one pass, so
 * a template that could render too long is refused before anything is rendered. Values are strings, so a section
 * renders at most once.
 */
export function longestRendering(text: string): number {
  return longest(parse(text));
}

const asWritten = (value: unknown) => String(value);

/** Renders a validated template with these values, as plain text (nothing escaped). Unknown names render empty. */
export function renderTemplateText(text: string, values: Partial<Record<TemplateVariable, string>>): string {
  return writer.renderTokens(parse(text) as unknown as string[][], new Mustache.Context(values), {}, text, { escape: asWritten });
}
