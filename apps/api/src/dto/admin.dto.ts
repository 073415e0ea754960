import { z } from 'zod';
import { pageFields } from './fields';

/** GET /admin/merchants and GET /admin/audit: newest first, a page at a time. */
export const adminPageQuery = z.object({ ...pageFields }).strict();
export type AdminPageQuery = z.infer<typeof adminPageQuery>;
