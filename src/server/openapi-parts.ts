/**
 * The pieces the OpenAPI document is written with (openapi.ts,
 * openapi-views.ts, openapi-live.ts): references, JSON bodies, the error
 * answer, and the JSON Schema shapes the bodies are made of.
 */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
export const errorResponse = (description: string) => ({ description, ...json(ref('Error')) });

export const str = { type: 'string' };
export const time = { type: 'string', format: 'date-time' };
export const int = { type: 'integer' };
export const bool = { type: 'boolean' };

/** An object schema; `required` lists the fields always present (none by default). */
export const object = (properties: Record<string, unknown>, required: readonly string[] = []) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required: [...required] } : {}),
});
