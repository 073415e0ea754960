import { ParseUUIDPipe } from '@nestjs/common';
import { notFound, NotFoundSubject } from '@herald/errors';

/** A malformed id names nothing: answer 404 like any unknown id, so ids reveal nothing about other tenants. */
export const idParam = (what: NotFoundSubject) => new ParseUUIDPipe({ exceptionFactory: () => notFound(what) });
