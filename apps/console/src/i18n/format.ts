/*
 * A small ICU MessageFormat reader for the catalogues: `{name}`, `{count, plural, =0 {…} one {# item} other {# items}}`
 * (every plural category of the language, through Intl.PluralRules) and `{kind, select, sms {…} other {…}}`. No
 * dependency: the console's catalogues need no more.
 */

export type MessageValues = Record<string, string | number>;

type Part = string | { name: string; type?: 'plural' | 'select'; branches?: Record<string, Part[]> };

const parsed = new Map<string, Part[]>();

/** Reads `source` from `start` up to an unmatched `}` (or the end); returns the parts and where it stopped. */
function parseParts(source: string, start: number): [Part[], number] {
  const parts: Part[] = [];
  let text = '';
  let i = start;
  while (i < source.length) {
    const char = source[i];
    if (char === '}') break;
    if (char !== '{') {
      text += char;
      i += 1;
      continue;
    }
    if (text) parts.push(text);
    text = '';
    const [argument, end] = parseArgument(source, i + 1);
    parts.push(argument);
    i = end + 1;
  }
  if (text) parts.push(text);
  return [parts, i];
}

function parseArgument(source: string, start: number): [Part, number] {
  const close = source.indexOf('}', start);
  const comma = source.indexOf(',', start);
  if (comma === -1 || comma > close) return [{ name: source.slice(start, close).trim() }, close];
  const name = source.slice(start, comma).trim();
  const typeEnd = source.indexOf(',', comma + 1);
  const type = source.slice(comma + 1, typeEnd).trim();
  if (type !== 'plural' && type !== 'select') throw new Error(`unsupported message argument type ${type} in "${source}"`);
  const branches: Record<string, Part[]> = {};
  let i = typeEnd + 1;
  for (;;) {
    while (/\s/.test(source[i])) i += 1;
    if (source[i] === '}') return [{ name, type, branches }, i];
    const open = source.indexOf('{', i);
    const key = source.slice(i, open).trim();
    const [parts, end] = parseParts(source, open + 1);
    branches[key] = parts;
    i = end + 1;
  }
}

const pluralRules = new Map<string, Intl.PluralRules>();
const rulesFor = (locale: string) => pluralRules.get(locale) ?? pluralRules.set(locale, new Intl.PluralRules(locale)).get(locale)!;

/** Unicode's first-strong isolate and its end: a value keeps its own direction inside a sentence of the other. */
const isolated = (text: string) => `\u2068${text}\u2069`;

function render(parts: Part[], values: MessageValues, locale: string, count?: number, isolate = false): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return count === undefined ? part : part.replace(/#/g, new Intl.NumberFormat(locale).format(count));
      const value = values[part.name];
      if (!part.type) return value === undefined ? `{${part.name}}` : typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : isolate ? isolated(value) : value;
      const branches = part.branches!;
      if (part.type === 'select') return render(branches[String(value)] ?? branches.other ?? [], values, locale, count, isolate);
      const number = Number(value);
      const branch = branches[`=${number}`] ?? branches[rulesFor(locale).select(number)] ?? branches.other ?? [];
      return render(branch, values, locale, number, isolate);
    })
    .join('');
}

/**
 * `message` with `values` put in, plurals chosen by `locale`'s rules. `isolate`: each text value is a bidirectional
 * isolate, so a phone number or an English name reads right inside a right-to-left sentence.
 */
export function formatMessage(message: string, values: MessageValues = {}, locale = 'en', { isolate = false } = {}): string {
  let parts = parsed.get(message);
  if (!parts) {
    parts = parseParts(message, 0)[0];
    parsed.set(message, parts);
  }
  return render(parts, values, locale, undefined, isolate);
}

/** The arguments `message` takes, by name, with their type (`plural`, `select`, or `text`), nested ones included. */
export function messageArguments(message: string): Map<string, 'plural' | 'select' | 'text'> {
  const found = new Map<string, 'plural' | 'select' | 'text'>();
  const visit = (parts: Part[]) => {
    for (const part of parts) {
      if (typeof part === 'string') continue;
      found.set(part.name, part.type ?? 'text');
      for (const branch of Object.values(part.branches ?? {})) visit(branch);
    }
  };
  visit(parseParts(message, 0)[0]);
  return found;
}
