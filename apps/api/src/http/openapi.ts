import { applyDecorators, INestApplication } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiParam, ApiQuery, ApiResponse, DocumentBuilder, type ExamplesObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ErrorCode, NotFoundSubject } from '@herald/errors';
import { errorBody } from './error-response';

/*
 * The OpenAPI document is generated from the zod schemas that validate requests and type responses. A schema named
 * with `.meta({ id })` becomes a component (`#/components/schemas/<id>`); decorators below reference it, and
 * `setupOpenApi` puts every component they reached into the document.
 */

type Direction = 'input' | 'output';

const COMPONENTS_PATH = '#/components/schemas/';
const components = new Map<string, { schema: SchemaObject; direction: Direction }>();

/**
 * Formats say what zod's generated patterns say, readably; integers need no ±2^53 bounds; a nullable enum lists null
 * among its values, as OpenAPI 3.0.3 asks (validators check `enum` before `nullable`).
 */
function tidy({ jsonSchema }: { jsonSchema: Record<string, unknown> }): void {
  if (typeof jsonSchema.format === 'string' && ['date-time', 'email', 'uuid'].includes(jsonSchema.format)) delete jsonSchema.pattern;
  if (jsonSchema.nullable === true && Array.isArray(jsonSchema.enum) && !jsonSchema.enum.includes(null)) jsonSchema.enum = [...jsonSchema.enum, null];
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

/** zod writes named sub-schemas to `#/definitions/<id>`; in the document they are components. */
function pointAtComponents<T>(value: T): T {
  if (Array.isArray(value)) return value.map(pointAtComponents) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' ? child.replace('#/definitions/', COMPONENTS_PATH) : pointAtComponents(child),
    ]),
  ) as T;
}

function addComponent(id: string, schema: SchemaObject, direction: Direction): void {
  const known = components.get(id);
  if (known && !isDeepStrictEqual(known.schema, schema)) {
    throw new Error(`OpenAPI: two different schemas are named ${id} (${known.direction} and ${direction}); give them their own ids`);
  }
  components.set(id, { schema, direction });
}

/**
 * The OpenAPI schema of `schema` as a request reads it (`input`: defaults optional, before transforms) or as a response
 * is written (`output`); named sub-schemas become components.
 */
function toOpenApi(schema: z.ZodType, direction: Direction): SchemaObject {
  const generated = z.toJSONSchema(schema, { target: 'openapi-3.0', io: direction, unrepresentable: 'any', override: tidy });
  const { definitions = {}, ...root } = pointAtComponents(generated) as SchemaObject & { definitions?: Record<string, SchemaObject> };
  for (const [id, definition] of Object.entries(definitions)) addComponent(id, definition, direction);
  return root;
}

/** A `$ref` to the component of a named schema. */
function componentRef(schema: z.ZodType, direction: Direction): { $ref: string } {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('OpenAPI: a documented request or response schema needs a name: .meta({ id: "…" })');
  // A named root comes back as a reference to itself among the named parts, all of them now components.
  toOpenApi(schema, direction);
  return { $ref: `${COMPONENTS_PATH}${id}` };
}

/** Whole-request examples by name; every one must be a request the API accepts (test/e2e/openapi.e2e-spec.ts posts them). */
export type RequestExamples = Record<string, { summary: string; value: unknown }>;

/** Documents a zod-validated body, with examples a reader can send as they are ("Try it out" starts from the first). */
export const ApiZodBody = (schema: z.ZodType, examples: RequestExamples) =>
  ApiBody({ schema: componentRef(schema, 'input'), examples: examples as ExamplesObject });

/** Documents each field of a zod-validated query string as a parameter. */
export const ApiZodQuery = (schema: z.ZodObject) => {
  const { properties = {}, required = [] } = toOpenApi(schema, 'input');
  return applyDecorators(
    ...Object.entries(properties as Record<string, SchemaObject>).map(([name, { description, ...property }]) =>
      ApiQuery({ name, required: required.includes(name), description, schema: property }),
    ),
  );
};

/** Documents an answer by the zod schema that types it (JSON unless the route says `@ApiProduces` otherwise). */
export const ApiZodResponse = (status: number, schema: z.ZodType, description: string) =>
  ApiResponse({ status, description, schema: componentRef(schema, 'output') });

/** Documents an error answer of a route: the shared error shape, and the codes this route answers with at `status`. */
export const ApiErrorResponse = (status: number, ...codes: ErrorCode[]) =>
  ApiResponse({ status, description: `\`code\`: ${codes.map((code) => `\`${code}\``).join(', ')}`, schema: componentRef(errorBody, 'output') });

/** The `:id` path parameter: a uuid; anything else (or another merchant's id) answers 404 `<what>_not_found`. */
export const ApiIdParam = (what: NotFoundSubject) =>
  ApiParam({ name: 'id', description: `The ${what} id (another merchant's, or a malformed one, answers 404).`, schema: { type: 'string', format: 'uuid' } });

/** The optional `Idempotency-Key` of a POST (see IdempotencyInterceptor). */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Up to 255 printable ASCII characters. The same key and body (byte for byte) within 24 h replays the first answer; another body answers 422.',
  });

const DESCRIPTION = `
Order confirmations and pickup reminders over SMS and email.

- **Authentication:** merchant routes take \`Authorization: Bearer hk_…\`, the API key \`POST /admin/merchants\` answered with
  (shown once). Admin routes take HTTP Basic credentials (\`ADMIN_USER\` / \`ADMIN_PASSWORD\`).
- **Times:** instants are ISO 8601 with an offset (\`2026-12-07T10:00:00+01:00\` or \`…Z\`); durations are ISO 8601
  (\`P1D\`, \`PT2H\`). \`pickupAt\` and \`sendAt\` may be at most \`MAX_SCHEDULE_AHEAD\` (default one year) ahead.
- **Errors:** JSON \`{statusCode, code, message}\`; \`code\` is stable (see the \`Error\` schema for every code). Validation
  errors list each problem under \`details.issues\`.
- **Idempotency:** any POST may carry \`Idempotency-Key\`; the same key and body (byte for byte) within 24 h replays the first answer.
- **Examples** are requests the API accepts; their dates are a few days after this API started.
`;

/** Builds the document from the routes' decorators and the components they reached, and serves it at /docs. */
export function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription(DESCRIPTION.trim())
      .setVersion('1')
      .addSecurity('bearer', {
        type: 'http',
        scheme: 'bearer',
        description: 'A merchant API key: an opaque string, `hk_` and 43 base64url characters, from POST /admin/merchants (shown once, stored hashed). Not a JWT.',
      })
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'The operator credentials ADMIN_USER / ADMIN_PASSWORD.' })
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...Object.fromEntries([...components].map(([id, { schema }]) => [id, schema])) },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
