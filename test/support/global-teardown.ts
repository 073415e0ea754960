import { asAdmin, TEMPLATE_DATABASE_VARIABLE } from './test-environment';

/** After a run: drop the template database global-setup migrated. */
export default async function dropTemplateDatabase(): Promise<void> {
  const template = process.env[TEMPLATE_DATABASE_VARIABLE];
  if (template) await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
}
