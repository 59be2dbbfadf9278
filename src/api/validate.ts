/**
 * Document validation: one pipeline used by the REST API, the CLI (before it
 * sends anything) and the control plane's own writers.
 *
 *   unknown value ─► shape (input-limits.ts: depth, NUL, Unicode)
 *                 ─► envelope checks (type, name, mesh, labels)
 *                 ─► kind schema (compiled TypeBox checker)
 *                 ─► kind's semantic check
 *                 ─► ResourceDraft, or InvalidParameter[] naming each field
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { TSchema } from '@sinclair/typebox';
import { invalidInput, type InvalidParameter } from './errors.js';
import { INPUT_LIMITS, shapeParameter } from './input-limits.js';
import { FORMAT_REASONS } from './primitives.js';
import type { KindDescriptor } from './kind.js';
import { documentSchema, draftOf } from './document.js';
import { labelSyntaxIssues } from './label-syntax.js';
import { normalised } from './normalise.js';
import type { KindRegistry } from './registry.js';
import type { ResourceDraft } from './resource.js';

/** `/spec/to/0/default` → `spec.to[0].default` (the field syntax of Kuma's API errors). */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Joins a prefix and a relative field path: ('spec', 'to[0]') → 'spec.to[0]'. */
export function joinField(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

/** The JSON type a field must have, by error; Kuma words a wrong type as its OpenAPI validator does. */
const typeNames: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.String]: 'string',
  [ValueErrorType.Number]: 'number',
  [ValueErrorType.Integer]: 'integer',
  [ValueErrorType.Boolean]: 'boolean',
  [ValueErrorType.Object]: 'object',
  [ValueErrorType.Array]: 'array',
  [ValueErrorType.Null]: 'null',
};

const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

/** `in body must be of type string: "number"`, as Kuma answers a wrong type. */
function wrongType(error: ValueError): string | undefined {
  const expected = typeNames[error.type];
  return expected === undefined ? undefined : `in body must be of type ${expected}: "${jsonTypeOf(error.value)}"`;
}

function reasonOf(error: ValueError): string {
  const schema = error.schema as TSchema & Record<string, unknown>;
  const custom = typeof schema['errorMessage'] === 'string' ? (schema['errorMessage'] as string) : undefined;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return schema['patternProperties'] ? 'is not a valid key' : 'unknown field';
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(schema['const'])}`;
    case ValueErrorType.StringMinLength:
      return schema['minLength'] === 1
        ? 'must not be empty'
        : `must be at least ${String(schema['minLength'])} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${String(schema['maxLength'])} characters`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${String(schema['minItems'])} item${schema['minItems'] === 1 ? '' : 's'}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${String(schema['maxItems'])} items`;
    case ValueErrorType.ObjectMinProperties:
      return (
        custom ??
        `must have at least ${String(schema['minProperties'])} field${schema['minProperties'] === 1 ? '' : 's'}`
      );
    case ValueErrorType.ObjectMaxProperties:
      return (
        custom ??
        `must have at most ${String(schema['maxProperties'])} field${schema['maxProperties'] === 1 ? '' : 's'}`
      );
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return custom ?? `must be at least ${String(schema['minimum'])}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return custom ?? `must be at most ${String(schema['maximum'])}`;
    case ValueErrorType.StringPattern:
      return custom ?? `must match ${String(schema['pattern'])}`;
    case ValueErrorType.StringFormat:
      return FORMAT_REASONS[String(schema['format'])] ?? custom ?? `must be a ${String(schema['format'])}`;
    case ValueErrorType.Union:
      return custom ?? 'does not match any of the allowed forms';
    default:
      return custom && error.type !== ValueErrorType.String && error.type !== ValueErrorType.Integer
        ? custom
        : (wrongType(error) ?? error.message);
  }
}

const compiledSchemas = new WeakMap<TSchema, TypeCheck<TSchema>>();

function compiled(schema: TSchema): TypeCheck<TSchema> {
  let checker = compiledSchemas.get(schema);
  if (!checker) {
    checker = TypeCompiler.Compile(schema);
    compiledSchemas.set(schema, checker);
  }
  return checker;
}

/**
 * At most INPUT_LIMITS.maxReportedIssues problems, then one that says there
 * were more. The list stays in document order, so the first ones are kept.
 */
export function reportable(issues: readonly InvalidParameter[]): InvalidParameter[] {
  const max = INPUT_LIMITS.maxReportedIssues;
  if (issues.length <= max) return [...issues];
  return [
    ...issues.slice(0, max),
    { field: 'document', reason: `has more problems; only the first ${max} are listed` },
  ];
}

function issuesFrom(checker: TypeCheck<TSchema>, value: unknown, prefix: string): InvalidParameter[] {
  if (checker.Check(value)) return [];
  const seen = new Set<string>();
  const issues: InvalidParameter[] = [];
  for (const error of checker.Errors(value)) {
    const field = joinField(prefix, fieldPath(error.path));
    if (seen.has(field)) continue;
    seen.add(field);
    issues.push({ field, reason: reasonOf(error) });
    // One more than can be listed, so `reportable` knows there were more; the rest are not computed.
    if (issues.length > INPUT_LIMITS.maxReportedIssues) break;
  }
  return issues;
}

/** Schema errors of a whole document, one per field, in document order. */
export function schemaIssues(kind: KindDescriptor, document: unknown): InvalidParameter[] {
  return issuesFrom(compiled(documentSchema(kind)), document, '');
}

/**
 * Schema errors of a value against any schema, with field paths under `prefix`.
 * For semantic checks that pick a schema from another field's value, such as a
 * CA backend's `conf` by its `type`.
 */
export function issuesAgainst(schema: TSchema, value: unknown, prefix: string): InvalidParameter[] {
  return issuesFrom(compiled(schema), value, prefix);
}

/** What the caller already knows the document must be (from the URL). */
export interface ExpectedIdentity {
  readonly kind?: string;
  readonly mesh?: string;
  readonly name?: string;
}

export interface ValidDocument {
  readonly kind: KindDescriptor;
  readonly draft: ResourceDraft;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Validates a whole document and returns its kind and store draft, or throws
 * InvalidInput listing every rejected field. Nothing is half-accepted.
 */
export function validateDocument(
  registry: KindRegistry,
  value: unknown,
  expected: ExpectedIdentity = {},
): ValidDocument {
  // First, and without recursion: the schema checks and every later step may recurse into the value.
  const shape = shapeParameter(value, '');
  if (shape !== undefined) throw invalidInput([shape]);
  if (!isPlainObject(value))
    throw invalidInput([{ field: 'document', reason: 'must be an object with a type, a name and its fields' }]);
  const type = value['type'];
  const urlKind = expected.kind === undefined ? undefined : registry.byType(expected.kind);
  // Kuma checks a policy-style document against its kind's OpenAPI schema first, where `type` is a one-value enum.
  if (urlKind?.shape === 'enveloped' && type !== urlKind.name)
    throw invalidInput([{ field: '', reason: `type in body should be one of [${urlKind.name}]` }]);
  if (type === undefined) throw invalidInput([{ field: 'type', reason: 'is required' }]);
  const kind = typeof type === 'string' ? registry.byType(type) : undefined;
  if (!kind) throw invalidInput([{ field: 'type', reason: `unknown kind ${JSON.stringify(type)}` }]);

  // A body without a mesh belongs to the mesh of its URL, as Kuma takes it; without a URL, a policy's is `default`.
  const document: Record<string, unknown> = withDefaultMesh(
    kind,
    kind.scope === 'Mesh' && value['mesh'] === undefined && expected.mesh !== undefined
      ? { ...value, mesh: expected.mesh }
      : value,
  );
  const issues: InvalidParameter[] = [];
  if (expected.kind !== undefined && kind.name !== expected.kind)
    issues.push({ field: 'type', reason: `must be "${expected.kind}" to match the URL` });
  if (kind.scope === 'Mesh' && expected.mesh !== undefined && document['mesh'] !== expected.mesh)
    issues.push({ field: 'mesh', reason: `must be "${expected.mesh}" to match the URL` });
  if (expected.name !== undefined && document['name'] !== expected.name)
    issues.push({ field: 'name', reason: `must be "${expected.name}" to match the URL` });
  const labels = stringLabels(document['labels']);
  if (labels) issues.push(...labelSyntaxIssues(labels));
  issues.push(
    ...schemaIssues(kind, document).filter(
      (i) => !issues.some((known) => known.field === i.field) && !(labels && isLabelField(i.field)),
    ),
  );
  if (issues.length > 0) throw invalidInput(reportable(issues));

  const parsed = draftOf(kind, document);
  const labelIssues = kind.checkLabels?.(parsed.labels) ?? [];
  if (labelIssues.length > 0) throw invalidInput(reportable(labelIssues));
  if (kind.check) {
    const prefix = kind.shape === 'enveloped' ? 'spec' : '';
    const semantic = kind.check(parsed.spec).map((i) => ({ field: joinField(prefix, i.field), reason: i.reason }));
    if (semantic.length > 0) throw invalidInput(reportable(semantic));
  }
  const draft = { ...parsed, spec: normalised(kind.spec, parsed.spec) as Record<string, unknown> };
  return { kind, draft };
}

/** The mesh Kuma's schema gives a policy-style document that names none. */
const DEFAULT_MESH = 'default';

/** Kuma fills in `mesh: default` for the kinds it describes by OpenAPI (enveloped ones); the others must name it. */
function withDefaultMesh(kind: KindDescriptor, document: Record<string, unknown>): Record<string, unknown> {
  if (kind.scope !== 'Mesh' || kind.shape !== 'enveloped' || document['mesh'] !== undefined) return document;
  return { ...document, mesh: DEFAULT_MESH };
}

/** The labels, when they are a map of strings (else the schema says what is wrong with them). */
function stringLabels(labels: unknown): Record<string, string> | undefined {
  if (!isPlainObject(labels)) return undefined;
  return Object.values(labels).every((v) => typeof v === 'string') ? (labels as Record<string, string>) : undefined;
}

const isLabelField = (field: string): boolean => field.startsWith('labels[') || field.startsWith('labels.');
