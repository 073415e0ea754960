import { PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@herald/errors';

/** Validates and converts a request part with a zod schema; unknown fields are rejected by the schemas (`strict`). */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(
    private readonly schema: T,
    private readonly code: ErrorCode = 'validation_failed',
  ) {}

  transform(value: unknown): z.infer<T> {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new DomainError('invalid', this.code, summary, { issues });
  }
}
