/**
 * What a text is for. `reminder_moved` is the reminder sent when the pickup moved after the first reminder went out;
 * `campaign` is a message to many customers, about no order.
 */
export const TEMPLATE_KINDS = ['confirmation', 'reminder', 'reminder_moved', 'campaign'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The kinds Herald has its own texts for; a campaign always brings its own. */
export const BUILT_IN_KINDS = ['confirmation', 'reminder', 'reminder_moved'] as const;
export type BuiltInKind = (typeof BUILT_IN_KINDS)[number];

export const TEMPLATE_VARIABLES = ['shopName', 'customerName', 'reference', 'pickupDate', 'pickupTime', 'pickupWhen'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** What each variable stands for, as the API documents it. */
export const VARIABLE_MEANINGS: Record<TemplateVariable, string> = {
  shopName: 'the merchant’s name',
  customerName: 'the customer’s name; empty when unknown, so `{{#customerName}}Hi {{customerName}}, {{/customerName}}` greets only by name',
  reference: 'the order reference',
  pickupDate: 'the pickup day, e.g. `Monday 2 November` (in the message’s language and the merchant’s time zone)',
  pickupTime: 'the pickup time, e.g. `10:00` or `10:00 AM`',
  pickupWhen: 'the pickup day and time as the built-in texts say it: `today at 10:00`, `tomorrow at 10:00`, `on Monday 2 November at 10:00`',
};

const ABOUT_THE_CUSTOMER: readonly TemplateVariable[] = ['shopName', 'customerName'];

/** The variables a template of each kind may use: a campaign is about no order. */
export const VARIABLES_OF_KIND: Record<TemplateKind, readonly TemplateVariable[]> = {
  confirmation: TEMPLATE_VARIABLES,
  reminder: TEMPLATE_VARIABLES,
  reminder_moved: TEMPLATE_VARIABLES,
  campaign: ABOUT_THE_CUSTOMER,
};
