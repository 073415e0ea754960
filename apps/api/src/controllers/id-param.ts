import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from '@herald/errors';

/** A malformed id names nothing: answer 404 like any unknown id, so ids reveal nothing about other tenants. */
export const idParam = (what: string) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });
