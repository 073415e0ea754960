import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@herald/errors';
import { UNSTORABLE_TEXT_MESSAGE, unstorableStringPaths } from './storable-text';
import { meantIssues } from './zod-issues';

interface Issue {
  path: string;
  message: string;
  code: ErrorCode;
}

/**
 * Validates and converts a request part with a zod schema; unknown fields are rejected by the schemas (`strict`).
 * `codeOfField` gives a field's problems a code of their own (`timezone` → `invalid_timezone`): each issue carries its
 * code, and the answer's code is that one when every issue shares it, else `code`. Every request part passes here, so
 * this is also where text Postgres cannot store (NUL, unpaired surrogates) is refused, with `code`, naming each field.
 */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  private readonly codeOfField: Partial<Record<string, ErrorCode>>;

  constructor(
    private readonly schema: T,
    private readonly code: ErrorCode = 'validation_failed',
    codeOfField: Partial<Record<string, ErrorCode>> = {},
  ) {
    // A query's `cursor` is always a list's page cursor: a bad one is `invalid_cursor` on every list.
    this.codeOfField = code === 'invalid_query' ? { cursor: 'invalid_cursor', ...codeOfField } : codeOfField;
  }

  transform(value: unknown): z.infer<T> {
    const unstorable = unstorableStringPaths(value);
    if (unstorable.length) this.refuse(unstorable.map((path) => ({ path, message: UNSTORABLE_TEXT_MESSAGE, code: this.codeOf(path.split('.')[0]) })));
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    return this.refuse(
      meantIssues(parsed.error.issues).map((issue) => ({
        path: issue.path.join('.'),
        message: issue.message,
        code: this.codeOf(String(issue.path[0])),
      })),
    );
  }

  /** The field's own code, else the pipe's: an own property only, so a key like `__proto__` gets the pipe's code. */
  private codeOf(field: string): ErrorCode {
    return (Object.hasOwn(this.codeOfField, field) && this.codeOfField[field]) || this.code;
  }

  private refuse(issues: Issue[]): never {
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    const codes = new Set(issues.map((issue) => issue.code));
    throw new DomainError('invalid', codes.size === 1 ? [...codes][0] : this.code, summary, { issues });
  }
}
