import { z } from 'zod';
import { VARIABLE_MAX_LENGTH } from '@herald/messages';
import { createCustomerBody, updateCustomerBody } from './customer.dto';
import { createMerchantBody, updateMerchantBody } from './merchant.dto';
import { createNotificationBody } from './notification.dto';
import { createOrderBody } from './order.dto';

/** The `maxLength` the API documents and enforces at `path` in a request body's JSON Schema (`$ref`s followed). */
function maxLengthAt(schema: z.ZodType, path: string[]): number | undefined {
  const document = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
  const resolve = (node: Record<string, any>) => (node.$ref ? document.$defs[node.$ref.replace('#/$defs/', '')] : node);
  let node = resolve(document);
  for (const key of path) node = resolve(node.properties[key]);
  return node.maxLength;
}

/*
 * A template's longest rendering counts each value at VARIABLE_MAX_LENGTH: a value the API let in longer would make a
 * template it accepted render longer than its bound, and the send fail.
 */
describe('the values templates insert are no longer than templates are bounded with', () => {
  it('shop names', () => {
    expect(maxLengthAt(createMerchantBody, ['name'])).toBe(VARIABLE_MAX_LENGTH.shopName);
    expect(maxLengthAt(updateMerchantBody, ['name'])).toBe(VARIABLE_MAX_LENGTH.shopName);
  });

  it('customer names and order references, on orders and one-off messages', () => {
    expect(maxLengthAt(createOrderBody, ['customer', 'name'])).toBe(VARIABLE_MAX_LENGTH.customerName);
    expect(maxLengthAt(createOrderBody, ['reference'])).toBe(VARIABLE_MAX_LENGTH.reference);
    expect(maxLengthAt(createNotificationBody, ['template', 'customerName'])).toBe(VARIABLE_MAX_LENGTH.customerName);
    expect(maxLengthAt(createNotificationBody, ['template', 'reference'])).toBe(VARIABLE_MAX_LENGTH.reference);
    expect(maxLengthAt(createCustomerBody, ['name'])).toBe(VARIABLE_MAX_LENGTH.customerName);
    expect(maxLengthAt(updateCustomerBody, ['name'])).toBe(VARIABLE_MAX_LENGTH.customerName);
  });
});
