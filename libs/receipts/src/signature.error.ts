import { DomainError } from '@herald/errors';

/** A webhook that cannot prove it comes from the provider changes nothing. */
export const invalidSignature = (message: string) => new DomainError('forbidden', 'invalid_signature', message);
