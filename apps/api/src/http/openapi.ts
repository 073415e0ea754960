import { applyDecorators, INestApplication } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, DocumentBuilder, type ExamplesObject, type OpenAPIObject, type SchemaObject, SwaggerModule } from '@nestjs/swagger';
import type { ApiResponseCommonMetadata } from '@nestjs/swagger/dist/decorators/api-response.decorator';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ErrorCode, NotFoundSubject } from '@herald/errors';
import { ERROR_EXAMPLES } from '../dto/error-examples';
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

/** zod wraps a described reference in `allOf: [ref]`; a parameter carries the description itself, so the ref will do. */
function withoutLoneAllOf(schema: SchemaObject): SchemaObject {
  const { allOf, ...rest } = schema;
  return allOf?.length === 1 && Object.keys(rest).length === 0 ? (allOf[0] as SchemaObject) : schema;
}

/** Documents each field of a zod-validated query string as a parameter. */
export const ApiZodQuery = (schema: z.ZodObject) => {
  const { properties = {}, required = [] } = toOpenApi(schema, 'input');
  return applyDecorators(
    ...Object.entries(properties as Record<string, SchemaObject>).map(([name, { description, ...property }]) =>
      ApiQuery({ name, required: required.includes(name), description, schema: withoutLoneAllOf(property) }),
    ),
  );
};

/**
 * Documents an answer by the zod schema that types it (JSON unless the route says `@ApiProduces` otherwise), and the
 * headers it carries, if any (`Location`…).
 */
export const ApiZodResponse = (status: number, schema: z.ZodType, description: string, headers?: ApiResponseCommonMetadata['headers']) =>
  ApiResponse({ status, description, schema: componentRef(schema, 'output'), ...(headers && { headers }) });

/**
 * Documents an error answer of a route: the shared error shape as JSON (whatever the route answers when it succeeds),
 * the codes this route answers with at `status`, and an example of each, keyed by code.
 */
export const ApiErrorResponse = (status: number, ...codes: ErrorCode[]) => ApiResponse({ status, ...errorResponse(status, codes) });

function errorResponse(status: number, codes: ErrorCode[]) {
  return {
    description: `\`code\`: ${codes.map((code) => `\`${code}\``).join(', ')}`,
    content: {
      'application/json': {
        schema: componentRef(errorBody, 'output'),
        examples: Object.fromEntries(
          codes.map((code) => {
            const { when, message, details } = ERROR_EXAMPLES[code];
            return [code, { summary: when, value: { statusCode: status, code, message, ...(details === undefined ? {} : { details }) } }];
          }),
        ),
      },
    },
  };
}

/** The extension ReadsOnly (merchant-auth.guard) puts on a route other than GET that a `read` key may call. */
export const READ_SCOPE_EXTENSION = 'x-read-scope';
/** The extension LiveOnly (merchant-auth.guard) puts on a route a `test` key may not call. */
export const LIVE_ONLY_EXTENSION = 'x-live-only';

/**
 * Every merchant route a `read` key may not call (anything but GET, unless marked READ_SCOPE_EXTENSION), and every one
 * a `test` key may not (marked LIVE_ONLY_EXTENSION), answers it 403 `insufficient_scope`: documented here once rather
 * than on each route.
 */
function documentInsufficientScope(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation?.security?.some((requirement) => 'bearer' in requirement)) continue;
      const refusesRead = method !== 'get' && !(READ_SCOPE_EXTENSION in operation);
      if (refusesRead || LIVE_ONLY_EXTENSION in operation) operation.responses['403'] ??= errorResponse(403, ['insufficient_scope']);
    }
  }
}

/**
 * `@ApiOperation` of a route that takes no credentials: anyone may call it (health), or it proves itself another way
 * (a provider's signature). Its `security` is `[]`, which says so, where an absent one would look forgotten.
 */
export const ApiPublicOperation = (operation: { summary: string; description?: string }) => ApiOperation({ ...operation, security: [] });

/** The `:id` path parameter: a uuid; anything else (or another merchant's id) answers 404 `<what>_not_found`. */
export const ApiIdParam = (what: NotFoundSubject) =>
  ApiParam({ name: 'id', description: `The ${what} id (another merchant's, or a malformed one, answers 404).`, schema: { type: 'string', format: 'uuid' } });

/** The optional `Idempotency-Key` of a POST (see IdempotencyKeyGuard). */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Up to 255 printable ASCII characters. The same key and body (byte for byte) within 24 h replays the first answer; another body answers 422.',
  });

const DESCRIPTION = `
Herald sends a merchant's order confirmations and pickup reminders over SMS and email, at the right local time, and
tells you what became of each message. Create a merchant (\`POST /admin/merchants\`), then \`POST /v1/orders\`: the
confirmation goes out at once and the reminder before pickup.

- **Authentication:** merchant routes take \`Authorization: Bearer hk_…\`, the API key \`POST /admin/merchants\` answered with
  (shown once). Admin routes take HTTP Basic credentials (\`ADMIN_USER\` / \`ADMIN_PASSWORD\`). Health checks and provider
  webhooks take none (\`security: []\`); the webhooks check the provider's signature.
- **Keys:** a merchant makes more keys with \`POST /v1/api-keys\`. A key with scope \`read\` reaches GET routes, the event
  stream and its stream tokens; any other route answers it 403 \`insufficient_scope\`. A key with scope \`test\` does what a
  \`full\` key does in the merchant's test world: its orders, customers, campaigns and notifications are marked \`test\`, run
  through the queues, worker, events and webhooks, and never reach a provider (the \`log\` driver takes them); it sees only
  what test keys made, and the routes marked \`x-live-only\` (settings, templates, the webhook endpoint, keys, exports) answer it
  403 \`insufficient_scope\`.
- **Times:** instants are ISO 8601 with an offset (\`2026-12-07T10:00:00+01:00\` or \`…Z\`); durations are ISO 8601
  (\`P1D\`, \`PT2H\`). \`pickupAt\` and \`sendAt\` may be at most \`MAX_SCHEDULE_AHEAD\` (default one year) ahead.
- **Errors:** JSON \`{statusCode, code, message}\`; \`code\` is stable (see the \`Error\` schema for every code). Validation
  errors list each problem under \`details.issues\`. Each route shows an example of every code it can answer with.
- **Idempotency:** any POST may carry \`Idempotency-Key\`; the same key and body (byte for byte) within 24 h replays the first answer.
- **Examples** are requests the API accepts, for any merchant; their dates are a few days after this API started.
`;

/** The page at /docs: Herald's name in the tab, no Swagger UI bar above Herald's own title and introduction. */
const DOCS_PAGE = {
  customSiteTitle: 'Herald API',
  customCss: '.swagger-ui .topbar { display: none }',
  jsonDocumentUrl: 'docs-json',
};

/** The document, from the routes' decorators and the components they reached, with `publicUrl` (PUBLIC_URL) as its server. */
export function buildOpenApiDocument(app: INestApplication, publicUrl: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription(DESCRIPTION.trim())
      .setVersion('1')
      .addServer(publicUrl, 'This Herald (PUBLIC_URL)')
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
  documentInsufficientScope(document);
  return document;
}

/** Serves the document at /docs-json and its page at /docs: "Try it out" calls the address Herald is reached at. */
export function setupOpenApi(app: INestApplication, publicUrl: string): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, publicUrl), DOCS_PAGE);
}
